//! /admin/mail: the mail the shop wrote, newest first (failed mail to
//! resend), and one mail with its text: without an SMTP server this is the
//! local mailbox, where a reset link can be followed on a fresh machine.

use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::AdminGate;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::mail::back_office::{get_mail, list_mail, ResendMail};
use crate::mail::model::{MailDetail, MailStatus, MailSummary};
use crate::ui::forms::{use_form_error, FormAlert};
use crate::ui::{error::ErrorMessage, not_found::NotFound};

#[component]
pub fn AdminMailPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_mail.to_owned()>
            <MailList />
        </AdminGate>
    }
}

fn status_label(status: MailStatus) -> &'static str {
    let t = use_i18n().t();
    match status {
        MailStatus::Pending => t.admin_mail_pending,
        MailStatus::Sent => t.admin_mail_sent,
        MailStatus::Failed => t.admin_mail_failed,
    }
}

#[component]
fn MailList() -> impl IntoView {
    let i18n = use_i18n();
    // Read once: the back office renders on the server only.
    let (status, resent) =
        use_query_map().with_untracked(|q| (q.get("status").unwrap_or_default(), q.get("resent").is_some()));
    let resend = ServerAction::<ResendMail>::new();
    let error = use_form_error(resend);
    let filter = status.clone();
    let mails = OnceResource::new(list_mail(Some(filter)));
    view! {
        <h1>{move || i18n.t().admin_mail}</h1>
        {resent.then(|| view! { <p class="alert alert--success" role="status">{move || i18n.t().admin_mail_resent}</p> })}
        <FormAlert error fields=&[] />
        <Form method="GET" action="" attr:class="admin__search">
            <label for="mail-status-filter">{move || i18n.t().order_status_label}</label>
            <select id="mail-status-filter" name="status">
                <option value="" selected=status.is_empty()>{move || i18n.t().admin_all}</option>
                {MailStatus::ALL
                    .into_iter()
                    .map(|s| view! { <option value=s.as_str() selected=status == s.as_str()>{status_label(s)}</option> })
                    .collect_view()}
            </select>
            <button type="submit" class="button button--secondary">{move || i18n.t().admin_filter}</button>
        </Form>
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match mails.await {
                    Ok(page) => {
                        let note = if page.smtp { i18n.t().admin_mail_smtp } else { i18n.t().admin_mail_mailbox };
                        view! {
                            <p class="admin__note" data-testid="mail-delivery">{note}</p>
                            <p>
                                {i18n.t().admin_mail_pending} " : " <strong>{page.pending}</strong> " · "
                                {i18n.t().admin_mail_failed} " : " <strong data-testid="mail-failed-count">{page.failed}</strong>
                            </p>
                            {if page.items.is_empty() {
                                view! { <p class="empty-state">{i18n.t().admin_mail_empty}</p> }.into_any()
                            } else {
                                view! { <MailTable mails=page.items resend /> }.into_any()
                            }}
                        }
                        .into_any()
                    }
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MailTable(mails: Vec<MailSummary>, resend: ServerAction<ResendMail>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="table panel" data-testid="admin-mail">
            <thead>
                <tr>
                    <th scope="col">{i18n.t().admin_mail_to}</th>
                    <th scope="col">{i18n.t().admin_mail_subject}</th>
                    <th scope="col">{i18n.t().order_status_label}</th>
                    <th scope="col">{i18n.t().admin_mail_attempts}</th>
                    <th scope="col"><span class="visually-hidden">{i18n.t().admin_mail_resend}</span></th>
                </tr>
            </thead>
            <tbody>
                {mails
                    .into_iter()
                    .map(|mail| {
                        let subject = mail.subject.clone().unwrap_or_else(|| format!("{} {}", mail.kind.as_str(), i18n.t().admin_mail_waiting));
                        view! {
                            <tr data-testid="mail-row">
                                <td>{mail.recipient.clone()}<br /><small>{mail.created_at.clone()}</small></td>
                                <td><A href=format!("/admin/mail/{}", mail.id)>{subject}</A></td>
                                <td>
                                    {status_label(mail.status)}
                                    {mail.last_error.clone().map(|error| view! { <br /><small title=i18n.t().admin_mail_error>{error}</small> })}
                                </td>
                                <td>{mail.attempts}</td>
                                <td>
                                    {(mail.status == MailStatus::Failed).then(|| view! {
                                        <ActionForm action=resend attr:class="inline-form">
                                            <input type="hidden" name="id" value=mail.id />
                                            <button type="submit" class="button button--secondary">{i18n.t().admin_mail_resend}</button>
                                        </ActionForm>
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[component]
pub fn AdminMailDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <AdminGate title=move || i18n.t().admin_mail.to_owned()>
            <MailView />
        </AdminGate>
    }
}

#[component]
fn MailView() -> impl IntoView {
    let id = use_params_map().with_untracked(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let mail = OnceResource::new(async move {
        match id {
            Some(id) => get_mail(id).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <Suspense fallback=|| view! { <div class="panel" aria-busy="true"></div> }>
            {move || Suspend::new(async move {
                match mail.await {
                    Ok(mail) => view! { <MailText mail /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! { <ErrorMessage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn MailText(mail: MailDetail) -> impl IntoView {
    let i18n = use_i18n();
    let summary = mail.summary;
    let subject = summary
        .subject
        .clone()
        .unwrap_or_else(|| summary.kind.as_str().to_owned());
    view! {
        <p><A href="/admin/mail">{i18n.t().admin_mail}</A></p>
        <h1 data-testid="mail-subject">{subject}</h1>
        <dl class="facts panel">
            <dt>{i18n.t().admin_mail_to}</dt>
            <dd data-testid="mail-to">{summary.recipient}</dd>
            <dt>{i18n.t().order_status_label}</dt>
            <dd>{status_label(summary.status)} {summary.delivered_by.map(|by| format!(" ({by})"))}</dd>
            <dt>{i18n.t().admin_mail_attempts}</dt>
            <dd>{summary.attempts}</dd>
        </dl>
        {(!mail.links.is_empty()).then(|| view! {
            <section class="panel">
                <h2>{i18n.t().admin_mail_links}</h2>
                <ul class="plain-list">
                    {mail.links.into_iter().map(|link| view! { <li><a href=link.clone() data-testid="mail-link">{link.clone()}</a></li> }).collect_view()}
                </ul>
            </section>
        })}
        {match mail.text_body {
            Some(text) => view! { <pre class="panel mail-text" data-testid="mail-text">{text}</pre> }.into_any(),
            None if summary.status == MailStatus::Sent => view! { <p class="admin__note">{i18n.t().admin_mail_no_text}</p> }.into_any(),
            None => ().into_any(),
        }}
    }
}
