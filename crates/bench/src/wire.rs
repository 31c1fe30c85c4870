//! A lean WebSocket client for the many listening sockets. The driver has one core and must
//! cost far less per frame than the server it measures, so after a hand-written upgrade the
//! frames are parsed straight out of large reads of the TCP stream: no per-frame allocation, no
//! per-frame task wake beyond the read itself. Pings are answered, so the server keeps it.

use std::io;

use anyhow::{Context, bail};
use serde_json::json;
use shared::live::Topic;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const OP_TEXT: u8 = 0x1;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xA;

pub struct Listener {
    tcp: TcpStream,
    buf: Vec<u8>,
    /// Bytes of `buf` received and not yet parsed.
    filled: usize,
}

impl Listener {
    const READ: usize = 8 * 1024;

    /// Upgrades a connection to `base` (`http://127.0.0.1:port`) with `cookie`, and follows
    /// `topic`; returns once the server says it is subscribed.
    pub async fn open(base: &str, cookie: &str, topic: Topic) -> anyhow::Result<Self> {
        let host = base.strip_prefix("http://").context("an http:// base")?;
        let mut tcp = TcpStream::connect(host).await?;
        tcp.set_nodelay(true)?;
        let cookie = if cookie.is_empty() {
            String::new()
        } else {
            format!("Cookie: {cookie}\r\n")
        };
        let request = format!(
            "GET /ws HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: Y2hhdHRlcmh1Yi1iZW5jaA==\r\nSec-WebSocket-Version: 13\r\n\
             Origin: {base}\r\n{cookie}\r\n"
        );
        tcp.write_all(request.as_bytes()).await?;
        let mut listener = Self {
            tcp,
            buf: vec![0; Self::READ],
            filled: 0,
        };
        let head_end = listener.read_head().await?;
        let head = String::from_utf8_lossy(&listener.buf[..head_end]).into_owned();
        if !head.starts_with("HTTP/1.1 101") {
            bail!(
                "upgrade refused: {}",
                head.lines().next().unwrap_or_default()
            );
        }
        listener.consume(head_end);
        let subscribe = json!({"type": "Subscribe", "data": {"topic": topic}}).to_string();
        listener.write_frame(OP_TEXT, subscribe.as_bytes()).await?;
        let mut answer = None;
        while answer.is_none() {
            if !listener
                .read_some(|text| answer = Some(String::from_utf8_lossy(text).into_owned()))
                .await?
            {
                bail!("the socket closed before subscribing");
            }
        }
        match answer {
            Some(a) if a.contains("\"Subscribed\"") => Ok(listener),
            other => bail!("subscribe refused: {other:?}"),
        }
    }

    /// One read from the socket; `on_text` gets every complete text frame it completed. Pings
    /// are answered. `false` once the connection is closed.
    pub async fn read_some(&mut self, mut on_text: impl FnMut(&[u8])) -> io::Result<bool> {
        if self.filled == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = self.tcp.read(&mut self.buf[self.filled..]).await?;
        if n == 0 {
            return Ok(false);
        }
        self.filled += n;
        let mut at = 0;
        let mut pings = Vec::new();
        let mut open = true;
        while let Some((opcode, payload, next)) = frame_at(&self.buf[at..self.filled]) {
            let payload = &self.buf[at + payload.0..at + payload.1];
            match opcode {
                OP_TEXT => on_text(payload),
                OP_PING => pings.push(payload.to_vec()),
                OP_CLOSE => open = false,
                _ => {}
            }
            at += next;
        }
        self.consume(at);
        for ping in pings {
            self.write_frame(OP_PONG, &ping).await?;
        }
        Ok(open)
    }

    /// Reads until the end of the HTTP response head; its length.
    async fn read_head(&mut self) -> anyhow::Result<usize> {
        loop {
            if let Some(i) = memchr::memmem::find(&self.buf[..self.filled], b"\r\n\r\n") {
                return Ok(i + 4);
            }
            if self.filled == self.buf.len() {
                bail!("an over-long upgrade response");
            }
            let n = self.tcp.read(&mut self.buf[self.filled..]).await?;
            if n == 0 {
                bail!("the server closed during the upgrade");
            }
            self.filled += n;
        }
    }

    fn consume(&mut self, n: usize) {
        self.buf.copy_within(n..self.filled, 0);
        self.filled -= n;
    }

    /// A client frame: masked, with an all-zero key (any key is valid; this one leaves the
    /// payload as it is).
    async fn write_frame(&mut self, opcode: u8, payload: &[u8]) -> io::Result<()> {
        let mut frame = vec![0x80 | opcode];
        match u16::try_from(payload.len()) {
            Ok(len) if len < 126 => frame.push(0x80 | u8::try_from(len).unwrap_or(125)),
            Ok(len) => {
                frame.push(0x80 | 126);
                frame.extend_from_slice(&len.to_be_bytes());
            }
            Err(_) => {
                frame.push(0x80 | 127);
                frame.extend_from_slice(&(payload.len() as u64).to_be_bytes());
            }
        }
        frame.extend_from_slice(&[0; 4]);
        frame.extend_from_slice(payload);
        self.tcp.write_all(&frame).await
    }
}

/// The frame at the start of `buf`, if it is all there: its opcode, where its payload is, and
/// where the next frame starts.
fn frame_at(buf: &[u8]) -> Option<(u8, (usize, usize), usize)> {
    let (&b0, &b1) = (buf.first()?, buf.get(1)?);
    let (len, mut header) = match b1 & 0x7f {
        126 => (
            u64::from(u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?])),
            4,
        ),
        127 => (u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?), 10),
        n => (u64::from(n), 2),
    };
    if b1 & 0x80 != 0 {
        header += 4;
    }
    let end = header + usize::try_from(len).ok()?;
    (buf.len() >= end).then_some((b0 & 0x0f, (header, end), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_found_only_when_complete() {
        let mut text = vec![0x81, 5];
        text.extend_from_slice(b"hello");
        assert_eq!(frame_at(&text), Some((OP_TEXT, (2, 7), 7)));
        assert_eq!(frame_at(&text[..6]), None);
        let mut long = vec![0x81, 126, 0x01, 0x00];
        long.extend(std::iter::repeat_n(b'x', 256));
        assert_eq!(frame_at(&long), Some((OP_TEXT, (4, 260), 260)));
        assert_eq!(frame_at(&long[..100]), None);
        assert_eq!(frame_at(&[0x89, 0]), Some((OP_PING, (2, 2), 2)));
        assert_eq!(frame_at(&[0x81]), None);
    }
}
