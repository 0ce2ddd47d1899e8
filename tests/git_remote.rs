//! Remote URLs → the GitHub repository they name.

use cockpit::git::{
    is_github_host, parse_remote_url, pick_github_remote, redact_url, RemoteError, RepoSlug,
};

fn parsed(host: &str, owner: &str, name: &str) -> Option<(String, String, String)> {
    Some((host.to_string(), owner.to_string(), name.to_string()))
}

#[test]
fn parses_every_network_url_form() {
    let table = [
        (
            "https://github.com/octo/rocket",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://github.com/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://github.com/octo/rocket/",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://github.com/octo/rocket.git/",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://github.com/octo/rocket//",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "http://github.com/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://GitHub.COM/Octo/Rocket",
            parsed("github.com", "Octo", "Rocket"),
        ),
        (
            "https://user@github.com/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://x-access-token:ghp_secret@github.com/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://github.com:443/octo/rocket",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "ssh://git@github.com/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "ssh://git@github.com:22/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "ssh://git@ssh.github.com:443/octo/rocket.git",
            parsed("ssh.github.com", "octo", "rocket"),
        ),
        (
            "ssh://github.com/octo/rocket",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "git+ssh://git@github.com/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "git@github.com:octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "git@github.com:octo/rocket",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "git@github.com:octo/rocket.git/",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "git@github.com:/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "github.com:octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "git://github.com/octo/rocket.git",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "  https://github.com/octo/rocket.git\n",
            parsed("github.com", "octo", "rocket"),
        ),
        (
            "https://github.com/octo/my.dotted.repo.git",
            parsed("github.com", "octo", "my.dotted.repo"),
        ),
        // GitHub Enterprise Server and Cloud with data residency.
        (
            "https://ghe.corp/platform/rocket",
            parsed("ghe.corp", "platform", "rocket"),
        ),
        (
            "git@ghe.corp:platform/rocket.git",
            parsed("ghe.corp", "platform", "rocket"),
        ),
        (
            "ssh://git@ghe.corp:2222/platform/rocket.git",
            parsed("ghe.corp", "platform", "rocket"),
        ),
        (
            "https://acme.ghe.com/platform/rocket",
            parsed("acme.ghe.com", "platform", "rocket"),
        ),
        // Other hosts parse; whether they are GitHub is a separate question.
        (
            "git@gitlab.com:octo/rocket.git",
            parsed("gitlab.com", "octo", "rocket"),
        ),
    ];
    for (url, expected) in table {
        assert_eq!(parse_remote_url(url), expected, "{url}");
    }
}

#[test]
fn local_paths_and_other_shapes_name_no_repository() {
    for url in [
        "",
        "/srv/git/rocket.git",
        "../rocket",
        "./rocket.git",
        "file:///srv/git/octo/rocket.git",
        "file://localhost/srv/octo/rocket.git",
        r"C:\src\rocket",
        "C:/src/octo/rocket",
        "/tmp/a:b/c",
        "https://github.com/octo",
        "https://github.com/",
        "https://github.com/octo/rocket/tree/main",
        "https://gitlab.com/group/subgroup/rocket.git",
        "git@github.com:rocket.git",
        "ftp://github.com/octo/rocket",
        "https://github.com/octo/.git",
        "https:///octo/rocket",
    ] {
        assert_eq!(parse_remote_url(url), None, "{url:?}");
    }
}

#[test]
fn github_hosts() {
    let none: &[String] = &[];
    for host in [
        "github.com",
        "GitHub.com",
        "www.github.com",
        "ssh.github.com",
        "acme.ghe.com",
        "ssh.acme.ghe.com",
    ] {
        assert!(is_github_host(host, none), "{host}");
    }
    for host in [
        "gitlab.com",
        "ghe.corp",
        "notgithub.com",
        "github.com.evil.io",
        "ghe.com",
        "",
    ] {
        assert!(!is_github_host(host, none), "{host}");
    }

    let configured = vec![
        "GHE.corp".to_string(),
        "https://git.example.org/api/v3".to_string(),
        "code.example.net:8443".to_string(),
    ];
    for host in [
        "ghe.corp",
        "Ghe.Corp",
        "git.example.org",
        "code.example.net",
        "github.com",
    ] {
        assert!(is_github_host(host, &configured), "{host}");
    }
    assert!(!is_github_host("gitlab.com", &configured));
}

fn remotes(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(name, url)| (name.to_string(), url.to_string()))
        .collect()
}

#[test]
fn origin_wins_when_it_is_on_github() {
    let list = remotes(&[
        ("fork", "git@github.com:me/rocket.git"),
        ("origin", "https://github.com/octo/rocket.git"),
    ]);
    let (remote, slug) = pick_github_remote(&list, &[]).expect("a GitHub remote");
    assert_eq!(remote, "origin");
    assert_eq!(
        slug,
        RepoSlug {
            host: "github.com".into(),
            owner: "octo".into(),
            name: "rocket".into()
        }
    );
    assert_eq!(slug.full_name(), "octo/rocket");
    assert_eq!(slug.to_string(), "octo/rocket");
}

#[test]
fn another_github_remote_when_origin_is_elsewhere() {
    let list = remotes(&[
        ("origin", "git@gitlab.com:octo/rocket.git"),
        ("mirror", "/srv/mirror/rocket.git"),
        ("github", "https://github.com/octo/rocket"),
        ("upstream", "https://github.com/upstream/rocket"),
    ]);
    let (remote, slug) = pick_github_remote(&list, &[]).expect("a GitHub remote");
    assert_eq!(remote, "github");
    assert_eq!(slug.full_name(), "octo/rocket");
}

#[test]
fn enterprise_host_from_configuration() {
    let list = remotes(&[("origin", "https://ghe.corp/platform/rocket")]);
    assert!(matches!(
        pick_github_remote(&list, &[]),
        Err(RemoteError::NotGitHub { .. })
    ));
    let (remote, slug) =
        pick_github_remote(&list, &["ghe.corp".to_string()]).expect("an Enterprise remote");
    assert_eq!(remote, "origin");
    assert_eq!(slug.host, "ghe.corp");
    assert_eq!(slug.full_name(), "platform/rocket");
}

#[test]
fn gitlab_origin_is_not_github() {
    let list = remotes(&[
        ("backup", "https://bitbucket.org/octo/rocket.git"),
        (
            "origin",
            "https://oauth2:glpat-secret@gitlab.com/octo/rocket.git",
        ),
    ]);
    let err = pick_github_remote(&list, &[]).expect_err("no GitHub remote");
    match &err {
        RemoteError::NotGitHub { remote, url, host } => {
            assert_eq!(remote, "origin");
            assert_eq!(host, "gitlab.com");
            assert_eq!(url, "https://gitlab.com/octo/rocket.git");
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert_eq!(
        message,
        "remote 'origin' points to gitlab.com, which cockpit does not know as a GitHub host; \
         if it is GitHub Enterprise Server, add it to the config ([[hosts]] host = \"gitlab.com\"), \
         else pass --repo OWNER/NAME"
    );
    assert!(!format!("{err:?}").contains("glpat-secret"));
}

#[test]
fn without_origin_the_first_remote_is_named() {
    let list = remotes(&[
        ("work", "git@gitlab.com:octo/rocket.git"),
        ("home", "git@codeberg.org:octo/rocket.git"),
    ]);
    match pick_github_remote(&list, &[]) {
        Err(RemoteError::NotGitHub { remote, host, .. }) => {
            assert_eq!(remote, "work");
            assert_eq!(host, "gitlab.com");
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn local_path_origin_is_unrecognized() {
    let list = remotes(&[("origin", "/tmp/remote.git")]);
    let err = pick_github_remote(&list, &[]).expect_err("a path names no GitHub repository");
    assert!(matches!(err, RemoteError::UnrecognizedUrl { ref remote, .. } if remote == "origin"));
    assert!(err.to_string().contains("--repo OWNER/NAME"), "{err}");
}

#[test]
fn no_remotes() {
    let err = pick_github_remote(&[], &[]).expect_err("nothing to pick");
    assert!(matches!(err, RemoteError::NoRemotes));
    assert!(err.to_string().contains("--repo OWNER/NAME"), "{err}");
}

#[test]
fn credentials_are_redacted() {
    let table = [
        (
            "https://x-access-token:ghp_abc@github.com/octo/rocket.git",
            "https://github.com/octo/rocket.git",
        ),
        (
            "https://ghp_abc@github.com/octo/rocket",
            "https://github.com/octo/rocket",
        ),
        (
            "ssh://git@github.com/octo/rocket.git",
            "ssh://git@github.com/octo/rocket.git",
        ),
        (
            "ssh://git:pw@github.com/octo/rocket.git",
            "ssh://github.com/octo/rocket.git",
        ),
        (
            "git@github.com:octo/rocket.git",
            "git@github.com:octo/rocket.git",
        ),
        ("/srv/git/rocket.git", "/srv/git/rocket.git"),
        ("https://github.com/octo/a@b", "https://github.com/octo/a@b"),
    ];
    for (url, expected) in table {
        assert_eq!(redact_url(url), expected, "{url}");
    }
}
