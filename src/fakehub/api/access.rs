//! Who may write: the signed-in viewer, the token's scopes and the repository role.

use super::reply::{requires_auth, ApiError, Req};
use crate::fakehub::render::Ctx;
use crate::fakehub::world::Repo;

pub(crate) fn viewer(ctx: &Ctx) -> Result<&str, ApiError> {
    ctx.viewer.as_deref().ok_or_else(requires_auth)
}

/// A classic token needs `repo` (or `public_repo` for a public repository) to write.
pub(crate) fn check_write_scope(req: &Req, repo: &Repo) -> Result<(), ApiError> {
    match req.scopes {
        Some(s) if !s.is_empty() => {
            let ok = s
                .iter()
                .any(|x| x == "repo" || (x == "public_repo" && !repo.private));
            if ok {
                Ok(())
            } else {
                Err(ApiError::new(
                    403,
                    "Resource not accessible by personal access token",
                ))
            }
        }
        _ => Ok(()),
    }
}

pub(crate) fn require_write(req: &Req, repo: &Repo, login: &str) -> Result<(), ApiError> {
    check_write_scope(req, repo)?;
    if repo.can_write(login) {
        Ok(())
    } else {
        Err(ApiError::new(403, "Must have admin rights to Repository."))
    }
}
