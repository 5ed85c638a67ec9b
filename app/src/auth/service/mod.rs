//! Account rules, one file a job: registration (`registration`), login
//! and password checks under throttling (`login`), and the session that
//! remembers who is logged in (`session`). Password hashing: `password`.

mod login;
mod registration;
mod session;

pub use login::*;
pub use registration::*;
pub use session::*;
