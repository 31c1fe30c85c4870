//! The client's address, for limits and logs. Behind a reverse proxy every connection comes from
//! the proxy, so the address it saw is read from `Forwarded` or `X-Forwarded-For` — but only when
//! the connection comes from one of `--trusted-proxies`; anyone else could claim any address.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use domain::limits::ClientAddr;
use ipnet::IpNet;

/// The networks whose forwarding headers are believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(nets: &[IpNet]) -> Self {
        Self(nets.into())
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// Who sent the request: the connection's peer, or — when the peer is a trusted proxy —
    /// the nearest address in the forwarding chain that is not itself a trusted proxy.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer;
        if !self.trusts(peer) {
            return client;
        }
        for hop in forwarded_chain(headers).into_iter().rev() {
            // A hop the proxy could not name ("unknown", garbage) ends the walk at the proxy.
            let Some(hop) = hop else { break };
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

/// Puts the client's `ClientAddr` into the request for everything after it.
pub async fn resolve(
    State(proxies): State<TrustedProxies>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
    let ip = proxies.client(peer, req.headers());
    req.extensions_mut().insert(ClientAddr::new(ip));
    next.run(req).await
}

/// The addresses a request passed through, client first: from `Forwarded` (RFC 7239) when
/// present, else `X-Forwarded-For`. `None` for a hop that is not an address.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .flat_map(|v| v.split(','))
            .map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for").then(|| node(value))
                })?
            })
            .collect();
    }
    values("x-forwarded-for")
        .iter()
        .flat_map(|v| v.split(','))
        .map(node)
        .collect()
}

/// One hop: `192.0.2.1`, `192.0.2.1:80`, `"[2001:db8::1]:4711"`, `2001:db8::1`.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse() {
        return Some(ip);
    }
    if let Ok(with_port) = text.parse::<SocketAddr>() {
        return Some(with_port.ip());
    }
    text.strip_prefix('[')?.split(']').next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::new(&["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()])
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let claimed = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(
            proxies().client(ip("203.0.113.9"), &claimed),
            ip("203.0.113.9")
        );
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.2"), &claimed),
            ip("10.0.0.2")
        );
    }

    #[test]
    fn a_trusted_chain_is_walked_back_to_the_first_untrusted_hop() {
        let chain = headers(&[("x-forwarded-for", "1.1.1.1, 198.51.100.7, 10.0.0.5")]);
        // 1.1.1.1 was written by the client itself: only the hop our proxy saw counts.
        assert_eq!(proxies().client(ip("10.0.0.2"), &chain), ip("198.51.100.7"));
    }

    #[test]
    fn forwarded_wins_over_x_forwarded_for_and_understands_its_forms() {
        let both = headers(&[
            ("x-forwarded-for", "198.51.100.1"),
            ("forwarded", r#"for="[2001:db8::7]:4711";proto=https"#),
        ]);
        assert_eq!(proxies().client(ip("::1"), &both), ip("2001:db8::7"));
        let listed = headers(&[("forwarded", "for=192.0.2.60:80, For=10.1.2.3")]);
        assert_eq!(proxies().client(ip("10.0.0.2"), &listed), ip("192.0.2.60"));
    }

    proptest::proptest! {
        /// Whatever a client writes in the forwarding headers: no panic, and the answer is the
        /// peer or an address the headers named.
        #[test]
        fn any_forwarding_header_gives_the_peer_or_a_named_hop(
            forwarded in "\\PC{0,120}",
            x_forwarded_for in "[0-9a-f:.,\\[\\]\" ;=]{0,120}",
        ) {
            let peer = ip("10.0.0.2");
            let mut map = HeaderMap::new();
            for (name, value) in [("forwarded", &forwarded), ("x-forwarded-for", &x_forwarded_for)] {
                if let Ok(value) = value.parse() {
                    map.append(name, value);
                }
            }
            let client = proxies().client(peer, &map);
            let named = forwarded_chain(&map).into_iter().flatten().any(|hop| hop == client);
            proptest::prop_assert!(client == peer || named);
        }
    }

    #[test]
    fn an_unnamed_hop_stops_at_the_proxy_that_reported_it() {
        let unknown = headers(&[("forwarded", "for=unknown, for=10.9.9.9")]);
        assert_eq!(proxies().client(ip("10.0.0.2"), &unknown), ip("10.9.9.9"));
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(proxies().client(ip("10.0.0.2"), &garbage), ip("10.0.0.2"));
    }
}
