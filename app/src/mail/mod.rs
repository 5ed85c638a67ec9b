//! MAIL: what the shop writes to people (password resets, address checks,
//! order news, "it is back"). A cause writes its mail to the outbox in its
//! own transaction (`outbox`); every instance's worker (the server's
//! `mailer`) sends what is due, once, and the back office lists the mail,
//! failed mail to resend, and, without an SMTP server, the local mailbox.

pub mod back_office;
#[cfg(feature = "ssr")]
pub mod limits;
pub mod model;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod templates;
#[cfg(feature = "ssr")]
pub mod tokens;
