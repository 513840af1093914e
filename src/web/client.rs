//! Who is on the other end: the client's network address, for throttling and for the records that keep
//! it (an award's acceptance). Behind a reverse proxy every connection comes from the proxy, so the
//! proxy's `Forwarded` (RFC 7239) or `X-Forwarded-For` header is believed, but only from the proxies the
//! configuration trusts (`--trusted-proxies`): from anyone else those headers are ignored, or a client
//! could name any address it likes.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use ipnet::IpNet;

use super::problem::Problem;
use crate::AppState;

/// The address of the client that made the request, as far as octroi can trust it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl<S> FromRequestParts<S> for ClientAddress
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let state = AppState::from_ref(state);
        let ConnectInfo(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>().copied().ok_or_else(|| {
            tracing::error!("no peer address on the request");
            Problem::Internal
        })?;
        Ok(ClientAddress(client_address(peer.ip(), &parts.headers, &state.trusted_proxies)))
    }
}

/// One address of a `Forwarded` `for=` or `X-Forwarded-For` list: `192.0.2.1`, `"[2001:db8::1]:4711"`,
/// `192.0.2.1:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse().ok().or_else(|| node.rsplit_once(':').and_then(|(ip, _)| ip.parse().ok()))
}

/// The addresses the proxies recorded, nearest the client first.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let forwarded: Vec<Option<IpAddr>> = headers
        .get_all("forwarded")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim().eq_ignore_ascii_case("for").then(|| parse_node(value))
            })
        })
        .collect();
    if !forwarded.is_empty() {
        return forwarded;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(parse_node)
        .collect()
}

/// The client's address: the peer, unless the peer is a trusted proxy; then, walking the forwarded
/// chain from the nearest hop, the first address that is not itself a trusted proxy. A chain that cannot
/// be read stops the walk at the last address octroi could trust.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded_chain(headers).into_iter().rev() {
        match hop {
            Some(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, value.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let xff = headers(&[("x-forwarded-for", "203.0.113.7, 10.0.0.9")]);
        assert_eq!(client_address(proxy, &xff, &trusted), "203.0.113.7".parse::<IpAddr>().unwrap());
        // From an untrusted peer the header is the client's own claim.
        let outsider: IpAddr = "198.51.100.2".parse().unwrap();
        assert_eq!(client_address(outsider, &xff, &trusted), outsider);
        // Nothing trusted: the peer, always.
        assert_eq!(client_address(proxy, &xff, &[]), proxy);
        // A client that sends its own X-Forwarded-For only adds to the left of what the proxy appends.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7")]);
        assert_eq!(client_address(proxy, &spoofed, &trusted), "203.0.113.7".parse::<IpAddr>().unwrap());
        let rfc = headers(&[("forwarded", "for=\"[2001:db8::1]:4711\";proto=https, for=10.0.0.9")]);
        assert_eq!(client_address(proxy, &rfc, &trusted), "2001:db8::1".parse::<IpAddr>().unwrap());
        let garbage = headers(&[("x-forwarded-for", "not-an-address")]);
        assert_eq!(client_address(proxy, &garbage, &trusted), proxy);
    }
}
