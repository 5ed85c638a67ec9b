#![allow(clippy::expect_used)] // test set-up: a failure should stop the test
//! A small real SMTP server for the tests: it speaks enough of RFC 5321
//! for lettre (EHLO, MAIL, RCPT, DATA, RSET, QUIT) over TCP, keeps every
//! message it accepted, and can be told to refuse mail for a while.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub recipients: Vec<String>,
    /// The raw message (headers and MIME body), dot-unstuffed.
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parsable message")
    }

    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    pub fn text(&self) -> String {
        self.parsed()
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    pub fn html(&self) -> String {
        self.parsed()
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.parsed()
            .header_raw(name)
            .map(|value| value.trim().to_owned())
    }

    /// The first line of the text part that starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.text()
            .lines()
            .map(str::trim)
            .find(|line| line.starts_with(prefix))
            .map(str::to_owned)
    }
}

#[derive(Default)]
struct Inbox {
    received: Vec<Received>,
    /// Transactions refused (MAIL FROM answered 451).
    refused: usize,
    refusing: bool,
}

#[derive(Clone)]
pub struct SmtpSink {
    pub port: u16,
    inbox: Arc<Mutex<Inbox>>,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind SMTP");
        let port = listener.local_addr().expect("addr").port();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        let shared = inbox.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, shared.clone()));
            }
        });
        Self { port, inbox }
    }

    /// The URL the shop is configured with.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// While set, every transaction is refused with a temporary error.
    pub fn refuse(&self, refusing: bool) {
        self.inbox.lock().expect("inbox").refusing = refusing;
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().expect("inbox").received.clone()
    }

    pub fn refused(&self) -> usize {
        self.inbox.lock().expect("inbox").refused
    }

    /// The messages to `address`.
    pub fn to(&self, address: &str) -> Vec<Received> {
        self.received()
            .into_iter()
            .filter(|mail| mail.recipients.iter().any(|r| r == address))
            .collect()
    }

    /// Waits (20 s at most) until `done` holds for what was received.
    pub async fn wait_for(&self, what: &str, done: impl Fn(&SmtpSink) -> bool) {
        for _ in 0..400 {
            if done(self) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the SMTP server never saw {what}; it received {:?}",
            self.received().len()
        );
    }
}

async fn session(stream: tokio::net::TcpStream, inbox: Arc<Mutex<Inbox>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    if write.write_all(b"220 sink ESMTP\r\n").await.is_err() {
        return;
    }
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let command = line.trim_end().to_ascii_uppercase();
        let answer: &[u8] = if command.starts_with("EHLO") {
            b"250-sink\r\n250 8BITMIME\r\n"
        } else if command.starts_with("HELO") || command.starts_with("NOOP") {
            b"250 ok\r\n"
        } else if command.starts_with("MAIL FROM") {
            let mut inbox = inbox.lock().expect("inbox");
            if inbox.refusing {
                inbox.refused += 1;
                b"451 4.3.0 try again later\r\n"
            } else {
                recipients.clear();
                b"250 ok\r\n"
            }
        } else if command.starts_with("RCPT TO") {
            let address = line.trim_end()[8..].trim().trim_start_matches(':').trim();
            recipients.push(address.trim_matches(['<', '>']).to_owned());
            b"250 ok\r\n"
        } else if command == "DATA" {
            if write.write_all(b"354 go ahead\r\n").await.is_err() {
                return;
            }
            let mut data = Vec::new();
            loop {
                let mut raw = String::new();
                match lines.read_line(&mut raw).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                if raw == ".\r\n" || raw == ".\n" {
                    break;
                }
                let unstuffed = raw.strip_prefix('.').unwrap_or(&raw);
                data.extend_from_slice(unstuffed.as_bytes());
            }
            inbox.lock().expect("inbox").received.push(Received {
                recipients: std::mem::take(&mut recipients),
                data,
            });
            b"250 queued\r\n"
        } else if command == "RSET" {
            recipients.clear();
            b"250 ok\r\n"
        } else if command == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            b"502 not implemented\r\n"
        };
        if write.write_all(answer).await.is_err() {
            return;
        }
    }
}
