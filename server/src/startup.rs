//! Builds the HTTP application and runs it until a shutdown signal.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::payment::gateway::TestCardProcessor;
use app::{shell, state::AppState, App};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tower::util::option_layer;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;
use tracing::Level;

use crate::config::WebConfig;
use crate::page_cache::PageCache;
use crate::security::{self, CspNonce};
use crate::state::ServerState;

pub struct Application {
    listener: TcpListener,
    router: Router,
    background: tokio::task::JoinHandle<()>,
    connections: ConnectionLimits,
}

/// What one client may take of the server: time to send its headers, and
/// a share of the open connections.
#[derive(Clone, Copy, Debug)]
struct ConnectionLimits {
    header_timeout: Duration,
    max_connections: usize,
}

impl Application {
    /// Binds the listener (port 0 picks a free port, as tests do) and
    /// assembles the router.
    pub async fn build(config: &WebConfig, pool: PgPool) -> anyhow::Result<Self> {
        anyhow::ensure!(
            config.charge_timeout_seconds < config.payment_window_seconds.unsigned_abs(),
            "the charge time-out ({} s) must be shorter than the payment window ({} s): an order \
             would be settled while its checkout still waits for the provider",
            config.charge_timeout_seconds,
            config.payment_window_seconds
        );
        let listener = TcpListener::bind(config.site_addr)
            .await
            .with_context(|| format!("could not listen on {}", config.site_addr))?;
        let leptos_options = LeptosOptions::builder()
            .output_name(config.output_name.as_str())
            .site_root(config.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(listener.local_addr()?)
            .build();

        let stale = crate::static_files::drop_stale_variants(std::path::Path::new(&config.site_root));
        if stale > 0 {
            tracing::info!(files = stale, "removed compressed files older than their file");
        }
        let store = PostgresStore::new(pool.clone());
        let sessions = SessionManagerLayer::new(store.clone())
            .with_name(crate::visitor::SESSION_COOKIE)
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(config.secure_cookies)
            .with_expiry(Expiry::OnInactivity(
                tower_sessions::cookie::time::Duration::hours(config.guest_session_hours),
            ));
        let session_lives = crate::visitor::SessionLives {
            login: tower_sessions::cookie::time::Duration::days(config.session_idle_days),
            guest: tower_sessions::cookie::time::Duration::hours(config.guest_session_hours),
        };

        // The test processor stands for a provider elsewhere: it keeps its
        // records through connections of its own, never the shop's.
        let provider_pool =
            crate::database::pool_options(8).connect_lazy_with((*pool.connect_options()).clone());
        let mut app_state = AppState::new(pool, config.public_url(), config.auth_settings());
        app_state.payments = Arc::new(TestCardProcessor::new(
            provider_pool,
            Duration::from_millis(config.test_payment_latency_ms),
        ));
        app_state.checkout = config.checkout_settings();
        app_state.mail = app::state::MailSettings::new(config.mail.smtp_url.is_some());
        app_state.seller = Arc::new(config.seller.details());
        app_state.webhooks_allow_private = config.webhooks.webhooks_allow_private;
        let mailer = crate::mailer::Mailer::new(app_state.clone(), &config.mail)?;
        let webhooks = crate::webhooks::Sender::new(app_state.clone(), &config.webhooks)?;
        crate::metrics::install();
        let state = ServerState {
            leptos_options: leptos_options.clone(),
            app: app_state,
            metrics_token: config.metrics_token.clone().map(|token| token.0),
            api_limits: crate::state::ApiLimits {
                per_token: config.api_requests_per_token,
                per_address: config.api_requests_per_address,
            },
        };
        // What this instance's open pages hear of stock and rooms.
        let live = Arc::new(crate::live::Live::new(
            usize::try_from(config.max_live_pages).unwrap_or(usize::MAX),
        ));
        let page_cache = (config.page_cache_ms > 0)
            .then(|| Arc::new(PageCache::new(Duration::from_millis(config.page_cache_ms))));
        let background = tokio::spawn(background_tasks(
            store,
            state.app.clone(),
            page_cache.clone(),
            live.clone(),
            mailer,
            webhooks,
        ));
        let provide_state = {
            let app_state = state.app.clone();
            move || {
                provide_context(app_state.clone());
                // The nonce the security headers put in this page's CSP.
                let nonce = use_context::<axum::http::request::Parts>()
                    .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
                if let Some(nonce) = nonce {
                    provide_context(leptos::nonce::Nonce::from_value(nonce.0));
                }
            }
        };
        // The pages and the shop's own routes, with their sessions.
        let pages = Router::new()
            .merge(crate::operational::routes())
            .merge(crate::metrics::routes())
            .merge(crate::media::routes())
            .merge(crate::rooms::routes())
            .merge(crate::live::routes(live))
            .merge(crate::catalogue_csv::routes())
            .merge(crate::drop_report::routes())
            .merge(crate::invoices::routes())
            .leptos_routes_with_context(&state, generate_route_list(App), provide_state.clone(), {
                let options = leptos_options.clone();
                move || shell(options.clone())
            })
            // The site's files, precompressed; else the app's 404 page.
            .fallback_service(crate::static_files::service(
                &config.site_root,
                axum::handler::Handler::with_state(
                    leptos_axum::file_and_error_handler_with_context::<ServerState, _>(provide_state, shell),
                    state.clone(),
                ),
            ))
            .layer(axum::middleware::from_fn(
                crate::server_fn_status::server_fn_error_status,
            ))
            .layer(axum::middleware::from_fn_with_state(
                config.secure_cookies,
                security::refuse_cross_site_mutations,
            ))
            // Inside the sessions: a cached page with the visitor's corner.
            .layer(option_layer(page_cache.clone().map(|cache| {
                let personal = crate::page_cache::Personal {
                    cache,
                    app: state.app.clone(),
                };
                axum::middleware::from_fn_with_state(personal, crate::page_cache::serve_personal)
            })))
            .layer(axum::middleware::from_fn_with_state(
                session_lives,
                crate::visitor::mark_rendering,
            ))
            .layer(sessions);
        // The public API beside them: no session, no cross-site check
        // (bearer tokens), its own limits; the layers below are shared.
        let router = pages
            .merge(crate::api::routes())
            .layer(axum::middleware::from_fn_with_state(
                config.secure_cookies,
                security::security_headers,
            ))
            .layer(CompressionLayer::new())
            // Outside compression: it keeps pages compressed once.
            .layer(option_layer(page_cache.map(|cache| {
                axum::middleware::from_fn_with_state(cache, crate::page_cache::serve)
            })))
            // Before anything decides from them: the cookies and the
            // language, read once.
            .layer(axum::middleware::from_fn(crate::visitor::read_visitor))
            .layer(axum::middleware::from_fn(security::refuse_large_bodies))
            .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
                Duration::from_secs(config.body_timeout_seconds),
            ))
            .layer(axum::middleware::from_fn(crate::metrics::track))
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            // Outermost: every request has an id (a proxy's, or a new one)
            // before its span opens, and the answer names it.
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .with_state(state);
        Ok(Self {
            listener,
            router,
            background,
            connections: ConnectionLimits {
                header_timeout: Duration::from_secs(config.header_timeout_seconds),
                max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
            },
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Serves until `shutdown` resolves, then lets requests in flight finish.
    ///
    /// axum::serve sets no time limit on reading a request's headers (hyper
    /// needs a timer for one) and accepts every connection: a client
    /// sending a byte a second on thousands of connections held them all.
    /// So the loop is written here: HTTP/1 headers must arrive within the
    /// configured time, and at most so many connections are served at once
    /// (the next ones wait in the listen queue).
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
        use hyper_util::server::conn::auto;
        use tower::ServiceExt;

        let Self {
            listener,
            router,
            background,
            connections,
        } = self;
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(connections.header_timeout);
        builder.http2().timer(TokioTimer::new());
        let permits = Arc::new(tokio::sync::Semaphore::new(connections.max_connections));
        let graceful = hyper_util::server::graceful::GracefulShutdown::new();
        tokio::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                permit = permits.clone().acquire_owned() => permit.context("the connection bound closed")?,
                () = &mut shutdown => break,
            };
            let (stream, peer) = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(error) => {
                        // Out of file descriptors, say: wait, as axum::serve does.
                        tracing::warn!(%error, "could not accept a connection");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            // The peer address feeds throttling per client.
            let service =
                router
                    .clone()
                    .map_request(move |mut request: axum::http::Request<hyper::body::Incoming>| {
                        request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                        request.map(axum::body::Body::new)
                    });
            let service = hyper_util::service::TowerToHyperService::new(service);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            let connection = graceful.watch(connection.into_owned());
            tokio::spawn(async move {
                // A client that goes away, or is too slow, ends here.
                if let Err(error) = connection.await {
                    tracing::debug!(%error, %peer, "connection ended");
                }
                drop(permit);
            });
        }
        drop(listener);
        tracing::info!("waiting for the requests in flight");
        graceful.shutdown().await;
        background.abort();
        Ok(())
    }
}

/// The span of one request: every log line written while it is served
/// carries its id, method and path.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|id| id.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
}

/// Hourly: expired sessions, guest baskets older than a guest's session, and
/// sign-up counts older than their hour.
/// Every five minutes: refunds the payment provider has not confirmed.
/// Every five seconds (and at start, after a crash): orders still awaiting
/// payment past their window.
/// Every instance runs them; each task is safe to run concurrently.
async fn background_tasks(
    store: PostgresStore,
    state: AppState,
    page_cache: Option<Arc<PageCache>>,
    live: Arc<crate::live::Live>,
    mailer: crate::mailer::Mailer,
    webhooks: crate::webhooks::Sender,
) {
    use tower_sessions::ExpiredDeletion;
    let sessions = async {
        if let Err(error) = store.continuously_delete_expired(Duration::from_secs(3600)).await {
            tracing::error!(%error, "expired session cleanup stopped");
        }
    };
    let guest_baskets = async {
        let mut hourly = tokio::time::interval(Duration::from_secs(3600));
        loop {
            hourly.tick().await;
            match app::basket::db::delete_abandoned_guest_lines(&state.pool, state.auth.guest_session_life)
                .await
            {
                Ok(0) => {}
                Ok(lines) => tracing::info!(lines, "abandoned guest basket lines deleted"),
                Err(error) => tracing::error!(%error, "guest basket cleanup failed"),
            }
            if let Err(error) = app::auth::db::delete_old_sign_ups(&state.pool).await {
                tracing::error!(%error, "sign-up count cleanup failed");
            }
            if let Err(error) = app::auth::recovery::service::delete_old_links(&state.pool).await {
                tracing::error!(%error, "reset and verification link cleanup failed");
            }
            if let Err(error) = app::api_tokens::db::forget_old(&state.pool).await {
                tracing::error!(%error, "old API tokens and idempotency keys cleanup failed");
            }
            if let Err(error) = app::webhooks::db::forget_old(&state.pool).await {
                tracing::error!(%error, "old webhook deliveries cleanup failed");
            }
            match app::invoices::service::issue_missing(&state).await {
                Ok(0) => {}
                Ok(orders) => tracing::info!(orders, "invoices written for paid orders without one"),
                Err(error) => tracing::error!(%error, "writing missing invoices failed"),
            }
        }
    };
    let refunds = async {
        let mut every_five_minutes = tokio::time::interval(Duration::from_secs(300));
        loop {
            every_five_minutes.tick().await;
            match app::payment::service::retry_owed_refunds(&state).await {
                Ok(0) => {}
                Ok(orders) => tracing::info!(orders, "owed refunds paid back"),
                Err(error) => tracing::error!(%error, "refund retry failed"),
            }
        }
    };
    let expired_orders = async {
        let mut every_five_seconds = tokio::time::interval(Duration::from_secs(5));
        loop {
            every_five_seconds.tick().await;
            match app::payment::service::settle_expired_orders(&state).await {
                Ok(0) => {}
                Ok(orders) => tracing::info!(orders, "expired orders settled"),
                Err(error) => tracing::error!(%error, "settling expired orders failed"),
            }
        }
    };
    // Documents whose numbering after their cause was skipped or failed.
    let documents = async {
        let mut every_two_seconds = tokio::time::interval(Duration::from_secs(2));
        loop {
            every_two_seconds.tick().await;
            match app::invoices::service::number_all(&state).await {
                Ok(0) => {}
                Ok(numbered) => tracing::info!(numbered, "documents numbered"),
                Err(error) => tracing::error!(%error, "numbering documents failed"),
            }
        }
    };
    // Every second: drop rooms place their arrivals and admit the next
    // batch (one instance per drop at a time, by its row's lock).
    let rooms = async {
        let mut every_second = tokio::time::interval(Duration::from_secs(1));
        every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_second.tick().await;
            match app::drops::service::run_rooms(&state).await {
                Ok(0) => {}
                Ok(admitted) => tracing::info!(admitted, "drop room admitted visitors"),
                Err(error) => tracing::error!(%error, "drop rooms failed"),
            }
        }
    };
    // One listening connection: the page cache's and the live pages' news.
    let changes = crate::live::follow(state.clone(), live, page_cache);
    tokio::join!(
        mailer.run(),
        webhooks.run(),
        sessions,
        guest_baskets,
        refunds,
        expired_orders,
        documents,
        rooms,
        changes
    );
}

/// Resolves on Ctrl-C or SIGTERM (what `docker stop` sends).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
