//! HTML tidying: the rendered page made valid HTML where leptos writes it
//! otherwise, without changing what the browser builds.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// Marks a page already made valid (a cached one): not tidied again.
#[derive(Debug, Clone, Copy)]
pub struct Tidied;

/// Pages are at most this large; a larger one is an error.
const MAX_PAGE: usize = 8 * 1024 * 1024;

/// The rendered page, made valid HTML where leptos writes it otherwise.
pub async fn valid_html(response: Response, nonce: &str) -> Response {
    let (mut parts, body) = response.into_parts();
    let body = match axum::body::to_bytes(body, MAX_PAGE).await {
        Ok(body) => body,
        Err(error) => {
            tracing::error!(%error, "could not read a rendered page");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    // The buffer itself when nothing else holds it: no copy.
    let page = match String::from_utf8(Vec::from(body)) {
        Ok(page) => tidy_page(&page, nonce),
        // Not text: leave it as it is.
        Err(error) => return Response::from_parts(parts, axum::body::Body::from(error.into_bytes())),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(page))
}

/// The hydration markers `<!>` (a "bogus comment" to the HTML parser)
/// written as the same empty comment, validly: `<!---->`.
pub fn valid_comments(html: &str) -> String {
    html.replace("<!>", "<!---->")
}

/// Three fixes, none of which changes what the browser builds:
/// - the hydration markers `<!>` (a "bogus comment" to the HTML parser)
///   become the same empty comment written validly, `<!---->`;
/// - the preload links' `crossorigin`, which leptos sets to the CSP nonce,
///   becomes the empty value it is taken for (anonymous);
/// - what leptos appends after `</html>` (its resource scripts) moves
///   inside the body, where the parser would have put it anyway.
fn tidy_page(page: &str, nonce: &str) -> String {
    let page = valid_comments(page).replace(&format!("crossorigin=\"{nonce}\""), "crossorigin=\"\"");
    match page.rfind("</html>") {
        Some(end) if !page[end + "</html>".len()..].trim().is_empty() => {
            let trailing = &page[end + "</html>".len()..];
            let head = &page[..end];
            match head.rfind("</body>") {
                Some(body_end) => format!("{}{trailing}</body></html>", &head[..body_end]),
                None => format!("{head}{trailing}</html>"),
            }
        }
        _ => page,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_tidied_into_valid_html() {
        let page = r#"<html><head><link rel="modulepreload" crossorigin="n0nce"><!></head><body><p>x</p><!></body></html><script nonce="n0nce">late()</script>"#;
        assert_eq!(
            tidy_page(page, "n0nce"),
            r#"<html><head><link rel="modulepreload" crossorigin=""><!----></head><body><p>x</p><!----><script nonce="n0nce">late()</script></body></html>"#
        );
        let clean = "<html><body><p>ok</p></body></html>";
        assert_eq!(tidy_page(clean, "n0nce"), clean);
    }
}
