use std::process::ExitCode;

use clap::Parser;
use server::cli::{self, Cli};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    server::telemetry::init(cli.log_format);
    match cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A clear sentence for the operator, no panic trace.
            eprintln!("\nwondermarket: {error:#}\n");
            ExitCode::FAILURE
        }
    }
}
