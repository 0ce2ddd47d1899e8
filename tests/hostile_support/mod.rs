//! A hostile stand-in for GitHub (or for a host GitHub points at): a plain TCP listener on a
//! loopback address that records every request's raw head, byte for byte, and answers with
//! whatever the test says. Nothing in cockpit is mocked: the real client talks HTTP to it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Request {
    /// `GET /path?query HTTP/1.1`
    pub line: String,
    /// The request line and every header, as sent.
    pub head: String,
    pub body: Vec<u8>,
}

impl Request {
    pub fn path(&self) -> &str {
        self.line.split(' ').nth(1).unwrap_or_default()
    }

    /// Whether any header named Authorization was sent (any case).
    pub fn has_authorization(&self) -> bool {
        self.head
            .lines()
            .any(|l| l.to_ascii_lowercase().starts_with("authorization:"))
    }
}

/// An answer: status, extra headers, body. `Connection: close` and `Content-Length` are added.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(body: &str) -> Answer {
        Answer {
            status: 200,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        }
    }

    pub fn status(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Responder = Arc<dyn Fn(&Request) -> Answer + Send + Sync>;

pub struct Hostile {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Hostile {
    /// Listens on `ip` (127.0.0.1, 127.0.0.2, …: all of 127.0.0.0/8 is loopback on Linux), any
    /// free port.
    pub fn start(
        ip: &str,
        respond: impl Fn(&Request) -> Answer + Send + Sync + 'static,
    ) -> Hostile {
        let listener = TcpListener::bind((ip, 0)).expect("bind the stand-in");
        Hostile::on(listener, respond)
    }

    /// Listens on exactly `addr`, if it is free.
    pub fn try_at(
        addr: &str,
        respond: impl Fn(&Request) -> Answer + Send + Sync + 'static,
    ) -> Option<Hostile> {
        TcpListener::bind(addr)
            .ok()
            .map(|l| Hostile::on(l, respond))
    }

    fn on(
        listener: TcpListener,
        respond: impl Fn(&Request) -> Answer + Send + Sync + 'static,
    ) -> Hostile {
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let respond: Responder = Arc::new(respond);
        let thread = {
            let (seen, stop) = (seen.clone(), stop.clone());
            std::thread::spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    if let Ok(conn) = conn {
                        serve(conn, &seen, &respond);
                    }
                }
            })
        };
        Hostile {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://IP:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(conn: TcpStream, seen: &Mutex<Vec<Request>>, respond: &Responder) {
    let mut reader = BufReader::new(match conn.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    });
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Request {
        line: head.lines().next().unwrap_or_default().to_string(),
        head,
        body,
    };
    let answer = respond(&request);
    if let Ok(mut s) = seen.lock() {
        s.push(request);
    }
    let mut out = format!("HTTP/1.1 {} Stand-in\r\n", answer.status);
    for (k, v) in &answer.headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str(&format!(
        "content-length: {}\r\nconnection: close\r\n\r\n",
        answer.body.len()
    ));
    let mut conn = conn;
    let _ = conn.write_all(out.as_bytes());
    let _ = conn.write_all(&answer.body);
    let _ = conn.flush();
    let _ = conn.shutdown(Shutdown::Both);
}
