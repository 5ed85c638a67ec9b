//! The sentences of the interface: one value of [`Messages`] per language
//! (`fr.rs`, `en.rs`). Forgetting a sentence in one language is a compile
//! error, not a blank on the page; so is a refusal (`Rule`, `Conflict`)
//! without words, since each language turns them into text by a `match`.

use crate::error::{AppError, Conflict, Rule};
use crate::order_status::OrderStatus;

pub struct Messages {
    pub skip_to_content: &'static str,
    pub home_title: &'static str,
    pub home_description: &'static str,
    pub home_heading: &'static str,
    pub language_label: &'static str,
    pub sort_label: &'static str,
    pub sort_apply: &'static str,
    pub login_title: &'static str,
    pub login_heading: &'static str,
    pub login_label: &'static str,
    pub password_label: &'static str,
    pub login_button: &'static str,
    pub no_account: &'static str,
    pub create_account_link: &'static str,
    pub register_title: &'static str,
    pub register_heading: &'static str,
    pub username_label: &'static str,
    pub username_hint: &'static str,
    pub email_label: &'static str,
    pub password_hint: &'static str,
    pub password_confirmation_label: &'static str,
    pub first_name_label: &'static str,
    pub last_name_label: &'static str,
    pub register_button: &'static str,
    pub have_account: &'static str,
    pub login_link: &'static str,
    pub logout_button: &'static str,
    pub account_link: &'static str,
    pub account_title: &'static str,
    pub account_heading: &'static str,
    pub personal_info: &'static str,
    pub member_since: &'static str,
    pub edit_profile: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub password_changed: &'static str,
    pub orders_heading: &'static str,
    pub no_orders: &'static str,
    pub delete_heading: &'static str,
    pub delete_text: &'static str,
    pub delete_button: &'static str,
    pub hello: fn(&str) -> String,
    pub basket_link: &'static str,
    pub basket_title: &'static str,
    pub basket_heading: &'static str,
    pub basket_empty: &'static str,
    pub continue_shopping: &'static str,
    pub subtotal: &'static str,
    pub clear_basket: &'static str,
    pub checkout_link: &'static str,
    pub price_changed: &'static str,
    pub exceeds_stock: &'static str,
    /// "Held for you until …", given the shop's clock time ("20:14").
    pub held_until: fn(&str) -> String,
    /// On a product page, for the shopper whose basket holds its units:
    /// `(quantity, clock)`.
    pub own_hold: fn(i32, &str) -> String,
    /// A basket line whose units are in an order being paid (its number).
    pub line_paying: fn(i64) -> String,
    /// A basket line at the per-customer limit: `(limit, already bought)`.
    pub customer_limit_reached: fn(i32, i32) -> String,
    /// Fewer units than asked, for the per-customer limit: `(limit, in basket)`.
    pub customer_capped: fn(i32, i32) -> String,
    pub hold_left: fn(i64) -> String,
    pub hold_expired: &'static str,
    pub added_to_basket: &'static str,
    pub checkout_title: &'static str,
    pub checkout_heading: &'static str,
    pub shipping_heading: &'static str,
    pub ship_name_label: &'static str,
    pub ship_street_label: &'static str,
    pub ship_postcode_label: &'static str,
    pub ship_city_label: &'static str,
    pub ship_country_label: &'static str,
    pub payment_heading: &'static str,
    pub card_number_label: &'static str,
    pub card_expiry_label: &'static str,
    pub card_cvc_label: &'static str,
    pub test_cards_hint: &'static str,
    pub pay_button: &'static str,
    pub order_confirmed: &'static str,
    pub order_payment_pending: &'static str,
    pub order_payment_failed: &'static str,
    pub order_number: &'static str,
    pub order_total: &'static str,
    /// "Total HT": before VAT.
    pub total_excl_vat: &'static str,
    /// "TVA 5,5 %": the VAT at one rate (the rate as `vat_rate` writes it).
    pub vat_at: fn(&str) -> String,
    /// "Total TTC": VAT included, what is paid.
    pub total_incl_vat: &'static str,
    /// "Livraison": a delivery's heading and its row in a total.
    pub delivery_heading: &'static str,
    /// "Offerte": a delivery that costs nothing.
    pub delivery_free: &'static str,
    /// "2 à 3 jours ouvrés": a delivery estimate, from `min` to `max` days.
    pub delivery_days: fn(i32, i32) -> String,
    /// "offerte dès 49,00 €" (the amount as the locale writes it).
    pub delivery_free_from: fn(&str) -> String,
    /// "Livre en": before the countries a method serves.
    pub delivery_serves: &'static str,
    /// "Livraison estimée (France) :": before the basket's estimate.
    pub delivery_estimate: fn(&str) -> String,
    /// No method can carry the basket.
    pub delivery_none: &'static str,
    /// "Totaux avec Point relais": the checkout's totals are for the method picked first.
    pub delivery_totals_with: fn(&str) -> String,
    /// A VAT rate given in basis points: "5,5 %" or "5.5%".
    pub vat_rate: fn(i32) -> String,
    pub status_awaiting_payment: &'static str,
    pub status_paid: &'static str,
    pub in_basket: fn(i32) -> String,
    pub sort_relevance: &'static str,
    pub search_label: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub search_title: fn(&str) -> String,
    pub search_heading: fn(&str) -> String,
    pub search_description: &'static str,
    pub result_count: fn(i64) -> String,
    /// At least this many matches: the search stopped at its candidate limit.
    pub result_count_over: fn(i64) -> String,
    pub no_results: fn(&str) -> String,
    pub did_you_mean: &'static str,
    pub all_categories: &'static str,
    pub refine_by_category: &'static str,
    pub categories_label: &'static str,
    pub suggestions_label: &'static str,
    pub category_title: fn(&str) -> String,
    pub category_description: fn(&str) -> String,
    pub home_link: &'static str,
    pub breadcrumb_label: &'static str,
    pub quantity: &'static str,
    pub add_to_basket: &'static str,
    pub description_heading: &'static str,
    pub related_heading: &'static str,
    pub drops_heading: &'static str,
    pub drops_text: &'static str,
    pub sort_newest: &'static str,
    pub sort_price_asc: &'static str,
    pub sort_price_desc: &'static str,
    pub sort_name: &'static str,
    pub in_stock: &'static str,
    pub sold_out: &'static str,
    pub only_left: fn(i32) -> String,
    /// Before the lowest price of a product whose variants' prices differ.
    pub from_price: &'static str,
    /// A card's link to the product page, for a product with options.
    pub choose_variant: &'static str,
    pub gallery_label: &'static str,
    pub photo_of: fn(usize, usize) -> String,
    /// The variant choices' submit button (sent by itself with JavaScript).
    pub show_variant: &'static str,
    /// After a choice whose variant is sold out, or does not exist.
    pub variant_sold_out: &'static str,
    pub variant_unavailable: &'static str,
    /// The chosen values match no variant.
    pub variant_missing: &'static str,
    /// The listing filters' form: its heading, the price range, its buttons.
    pub filters_heading: &'static str,
    pub filter_price: &'static str,
    pub filter_min: &'static str,
    pub filter_max: &'static str,
    pub filter_apply: &'static str,
    pub filter_clear: &'static str,
    /// A filtered listing that lists nothing.
    pub filter_no_match: &'static str,
    pub limit_per_customer: fn(i32) -> String,
    /// A drop's basket hold, in minutes, for logged-in shoppers.
    pub hold_rule: fn(i32) -> String,
    pub pagination_label: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub page_n: fn(u32) -> String,
    pub empty_catalogue: &'static str,
    pub loading: &'static str,
    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub back_home: &'static str,
    pub footer_note: &'static str,
    pub error_not_found: &'static str,
    pub error_unauthorized: &'static str,
    pub error_invalid_credentials: &'static str,
    pub error_forbidden: &'static str,
    pub error_invalid: &'static str,
    pub error_too_many: fn(u32) -> String,
    pub error_too_many_mails: &'static str,
    pub error_internal: &'static str,
    pub error_transport: &'static str,
    pub status_shipped: &'static str,
    pub status_delivered: &'static str,
    pub status_cancelled: &'static str,
    pub status_payment_failed: &'static str,
    pub order_title: fn(i64) -> String,
    pub order_placed_on: &'static str,
    pub order_status_label: &'static str,
    pub order_customer: &'static str,
    pub order_shipping_to: &'static str,
    pub order_paid_with: &'static str,
    pub order_refund: &'static str,
    pub order_refund_pending: &'static str,
    pub order_refund_done: &'static str,
    /// "Documents": an order's invoice and credit note.
    pub order_documents: &'static str,
    /// The address book (account page and checkout).
    pub api_tokens_heading: &'static str,
    pub api_tokens_intro: &'static str,
    pub api_reference_link: &'static str,
    pub api_tokens_empty: &'static str,
    pub api_token_fresh: &'static str,
    pub api_token_new: &'static str,
    pub api_token_name_label: &'static str,
    pub api_token_scopes_legend: &'static str,
    pub api_scope_read: &'static str,
    pub api_scope_write: &'static str,
    pub api_scope_admin: &'static str,
    pub api_token_lifetime_label: &'static str,
    pub api_token_days: &'static str,
    pub api_token_create: &'static str,
    pub api_token_owner: &'static str,
    pub api_token_created: &'static str,
    pub api_token_expires: &'static str,
    pub api_token_last_used: &'static str,
    pub api_token_never_used: &'static str,
    pub api_token_revoke: &'static str,
    pub api_token_revoked: &'static str,
    pub api_token_expired: &'static str,
    pub admin_api_tokens: &'static str,
    pub admin_webhooks: &'static str,
    pub webhooks_intro: &'static str,
    pub webhooks_endpoints: &'static str,
    pub webhooks_none: &'static str,
    pub webhooks_deliveries: &'static str,
    pub webhooks_no_deliveries: &'static str,
    pub webhooks_new: &'static str,
    pub webhooks_url: &'static str,
    pub webhooks_events: &'static str,
    pub webhooks_secret: &'static str,
    pub webhooks_add: &'static str,
    pub webhooks_delete: &'static str,
    pub webhooks_state: &'static str,
    pub webhooks_last_answer: &'static str,
    pub webhooks_resend: &'static str,
    pub address_book_heading: &'static str,
    pub address_book_empty: &'static str,
    pub address_add_heading: &'static str,
    pub address_add: &'static str,
    pub address_make_default_label: &'static str,
    pub address_default: &'static str,
    pub address_set_default: &'static str,
    pub address_delete: &'static str,
    pub checkout_saved_addresses: &'static str,
    pub checkout_new_address: &'static str,
    pub save_address_label: &'static str,
    /// A document still waiting for its number (seconds).
    pub document_waiting: &'static str,
    /// The sales report (back office).
    pub sales_title: &'static str,
    pub sales_intro: &'static str,
    pub sales_from: &'static str,
    pub sales_to: &'static str,
    pub sales_show: &'static str,
    pub sales_csv: &'static str,
    pub sales_chart: &'static str,
    pub sales_month: &'static str,
    pub sales_rate: &'static str,
    pub sales_delivery: &'static str,
    pub sales_discounts: &'static str,
    pub sales_documents: &'static str,
    pub sales_empty: &'static str,
    pub order_view: &'static str,
    pub order_items: &'static str,
    pub unit_price: &'static str,
    pub line_total: &'static str,
    pub update_quantity: &'static str,
    pub remove_line: &'static str,
    pub quantity_capped: fn(i32) -> String,
    pub merge_added: fn(i32) -> String,
    pub merge_change: fn(&str, i32, i32) -> String,
    pub add_short: &'static str,
    pub back_to_orders: &'static str,
    pub admin_nav_label: &'static str,
    pub admin_link: &'static str,
    pub admin_dashboard: &'static str,
    pub admin_products: &'static str,
    pub admin_categories: &'static str,
    pub admin_orders: &'static str,
    pub admin_users: &'static str,
    pub admin_confirm: &'static str,
    pub page_n_of: fn(u32, u32) -> String,
    pub admin_orders_today: &'static str,
    pub admin_revenue_today: &'static str,
    pub admin_low_stock: &'static str,
    pub admin_sold_out: &'static str,
    pub admin_newest_users: &'static str,
    pub admin_accounts_under_attack: &'static str,
    pub admin_failed_passwords: fn(i64) -> String,
    pub admin_audit: &'static str,
    pub admin_nothing_to_watch: &'static str,
    pub admin_new_product: &'static str,
    pub admin_search: &'static str,
    pub admin_no_results: &'static str,
    pub admin_name: &'static str,
    pub admin_category: &'static str,
    pub admin_price: &'static str,
    pub admin_stock: &'static str,
    pub admin_archived: &'static str,
    pub admin_create: &'static str,
    pub admin_slug: &'static str,
    pub admin_description: &'static str,
    /// A product's English texts (empty: English pages show the French).
    pub admin_name_in_english: &'static str,
    pub admin_description_in_english: &'static str,
    /// The catalogue's CSV page and an import's report.
    pub admin_catalogue: &'static str,
    pub admin_export_csv: &'static str,
    pub admin_export_help: &'static str,
    pub admin_import_heading: &'static str,
    pub admin_import_help: &'static str,
    pub admin_import_file: &'static str,
    pub admin_import_dry_run: &'static str,
    pub import_title: fn(&str) -> String,
    /// Created, updated and unchanged rows.
    pub import_summary: fn(usize, usize, usize) -> String,
    pub import_refused: &'static str,
    pub import_ready: &'static str,
    pub import_apply: &'static str,
    pub import_applied: &'static str,
    pub import_running: fn(i32, i32) -> String,
    pub import_outdated: &'static str,
    pub import_failed: &'static str,
    pub import_line: &'static str,
    pub import_sku: &'static str,
    pub import_column: &'static str,
    pub import_reason: &'static str,
    pub import_change: &'static str,
    pub import_created: &'static str,
    pub import_updated: &'static str,
    pub import_unchanged: &'static str,
    pub import_errors_heading: &'static str,
    pub import_rows_heading: &'static str,
    pub import_missing_column: &'static str,
    pub import_unreadable: &'static str,
    pub import_too_many_rows: &'static str,
    pub import_duplicate_sku: &'static str,
    pub import_unknown_category: &'static str,
    pub import_unknown_product: &'static str,
    pub import_not_a_product: &'static str,
    pub import_values_mismatch: &'static str,
    pub import_options_changed: &'static str,
    pub import_slug_taken: &'static str,
    pub admin_price_input: &'static str,
    pub admin_max_per_order: &'static str,
    pub admin_max_per_customer: &'static str,
    pub admin_hold_minutes: &'static str,
    pub admin_vat_rate: &'static str,
    pub admin_set_vat: &'static str,
    /// The VAT select's first choice: the product follows its category.
    pub admin_vat_of_category: &'static str,
    pub admin_stock_now: fn(i32) -> String,
    pub admin_held: fn(i32) -> String,
    pub admin_view_in_shop: &'static str,
    pub admin_product_created: &'static str,
    pub admin_archived_note: &'static str,
    pub admin_details: &'static str,
    pub admin_saved: &'static str,
    pub admin_save: &'static str,
    /// "Code promo": the field, and the discount's line.
    pub promo_label: &'static str,
    pub promo_apply: &'static str,
    pub promo_free_delivery: &'static str,
    pub admin_promotions: &'static str,
    pub admin_promo_new: &'static str,
    pub admin_no_promo: &'static str,
    pub admin_promo_code: &'static str,
    pub admin_promo_kind: &'static str,
    pub admin_promo_percent: &'static str,
    pub admin_promo_amount: &'static str,
    pub admin_promo_value: &'static str,
    pub admin_promo_min_basket: &'static str,
    pub admin_promo_starts: &'static str,
    pub admin_promo_ends: &'static str,
    pub admin_promo_max_uses: &'static str,
    pub admin_promo_max_per_customer: &'static str,
    pub admin_promo_categories: &'static str,
    pub admin_promo_products: &'static str,
    pub admin_promo_includes_drops: &'static str,
    pub admin_promo_gives: &'static str,
    pub admin_promo_uses: &'static str,
    pub admin_promo_window: &'static str,
    pub admin_promo_withdraw: &'static str,
    pub admin_promo_offer: &'static str,
    pub admin_delivery: &'static str,
    pub admin_delivery_new: &'static str,
    pub admin_delivery_price: &'static str,
    pub admin_free_from: &'static str,
    pub admin_days_min: &'static str,
    pub admin_days_max: &'static str,
    pub admin_countries: &'static str,
    pub admin_bands: &'static str,
    pub admin_offered: &'static str,
    pub admin_withdrawn: &'static str,
    pub admin_weight: &'static str,
    pub admin_image: &'static str,
    pub admin_image_hint: &'static str,
    pub admin_image_error: fn(&str) -> String,
    pub admin_upload: &'static str,
    pub admin_photos_empty: &'static str,
    pub admin_photos_of_product: &'static str,
    pub admin_photo_alt: &'static str,
    pub admin_photo_alt_en: &'static str,
    pub admin_photo_values: &'static str,
    pub admin_photo_earlier: &'static str,
    pub admin_photo_later: &'static str,
    pub admin_photo_outcome: fn(&str) -> &'static str,
    pub admin_stock_delta: &'static str,
    pub admin_stock_reason: &'static str,
    pub admin_adjust: &'static str,
    pub admin_delete_product: &'static str,
    pub admin_delete_product_text: &'static str,
    pub admin_delete: &'static str,
    pub admin_deleted: &'static str,
    pub admin_archived_done: &'static str,
    pub admin_new_category: &'static str,
    pub admin_name_fr: &'static str,
    pub admin_name_en: &'static str,
    pub admin_rename: &'static str,
    pub admin_product_count: fn(i64) -> String,
    pub admin_all: &'static str,
    pub admin_filter: &'static str,
    pub admin_change_status: &'static str,
    pub admin_mark_as: fn(&str) -> String,
    pub admin_new_user: &'static str,
    pub admin_role: &'static str,
    pub admin_role_customer: &'static str,
    pub admin_role_admin: &'static str,
    pub admin_member_since: &'static str,
    pub admin_make_admin: &'static str,
    pub admin_make_customer: &'static str,
    pub admin_delete_user: &'static str,
    pub password_reset_done: &'static str,
    pub verification_sent: &'static str,
    pub alert_set: &'static str,
    pub drop_alert_set: &'static str,
    pub alert_pending: &'static str,
    pub alert_confirm_title: &'static str,
    pub alert_confirm_text: &'static str,
    pub alert_confirm_button: &'static str,
    pub alert_confirmed: &'static str,
    pub sign_up_mailed: &'static str,
    pub email_changed: &'static str,
    pub email_change_hint: &'static str,
    pub forgot_password_link: &'static str,
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_button: &'static str,
    pub forgot_sent: &'static str,
    pub reset_title: &'static str,
    pub reset_button: &'static str,
    pub reset_no_token: &'static str,
    pub reset_new_link: &'static str,
    pub verify_title: &'static str,
    pub verify_text: &'static str,
    pub verify_button: &'static str,
    pub verify_done: &'static str,
    pub email_verified: &'static str,
    pub email_unverified: &'static str,
    pub resend_verification: &'static str,
    pub alert_heading: &'static str,
    pub alert_text: &'static str,
    pub alert_text_for: fn(&str) -> String,
    pub drop_alert_text: &'static str,
    pub drop_alert_text_for: fn(&str) -> String,
    pub alert_button: &'static str,
    pub unsubscribe_title: &'static str,
    pub unsubscribe_text: &'static str,
    pub unsubscribe_button: &'static str,
    pub unsubscribed: &'static str,
    pub admin_mail: &'static str,
    pub admin_mail_failed: &'static str,
    pub admin_mail_pending: &'static str,
    pub admin_mail_sent: &'static str,
    pub admin_mail_resend: &'static str,
    pub admin_mail_resent: &'static str,
    pub admin_mail_mailbox: &'static str,
    pub admin_mail_smtp: &'static str,
    pub admin_mail_empty: &'static str,
    pub admin_mail_to: &'static str,
    pub admin_mail_subject: &'static str,
    pub admin_mail_attempts: &'static str,
    pub admin_mail_error: &'static str,
    pub admin_mail_links: &'static str,
    pub admin_mail_no_text: &'static str,
    pub admin_mail_waiting: &'static str,
    pub admin_alerts_waiting: &'static str,
    pub drop: DropMessages,
    /// A validation rule in words, without the value that broke it.
    pub describe_rule: fn(&Rule) -> String,
    /// A conflict in words: numbers and statuses, never a name.
    pub describe_conflict: fn(&Conflict) -> String,
}

/// The words of drops and their waiting rooms.
pub struct DropMessages {
    pub heading: &'static str,
    pub opens_on: fn(&str) -> String,
    pub room_opens_on: fn(&str) -> String,
    pub countdown_label: &'static str,
    pub open_now: &'static str,
    pub sold_out: &'static str,
    pub room_link: &'static str,
    pub drop_link: &'static str,
    pub in_drop: fn(&str) -> String,
    pub join_button: &'static str,
    pub join_hint: &'static str,
    pub room_closed: &'static str,
    pub no_room: &'static str,
    pub pre_queue: &'static str,
    pub placing: &'static str,
    pub waiting: fn(i64, i64) -> String,
    pub admitted: fn(&str) -> String,
    pub expired: &'static str,
    pub room_sold_out: &'static str,
    pub room_title: fn(&str) -> String,
    pub refresh_note: &'static str,
    pub items_heading: &'static str,
    pub admin_heading: &'static str,
    pub admin_new: &'static str,
    pub admin_none: &'static str,
    pub admin_created: &'static str,
    pub admin_name: &'static str,
    pub admin_opens: &'static str,
    pub admin_skus: &'static str,
    pub admin_skus_hint: &'static str,
    pub admin_room_minutes: &'static str,
    pub admin_pace: &'static str,
    pub admin_tick: &'static str,
    pub admin_admission: &'static str,
    pub admin_limit: &'static str,
    pub admin_hold: &'static str,
    pub admin_audience: &'static str,
    pub admin_audience_anyone: &'static str,
    pub admin_audience_accounts: &'static str,
    pub admin_audience_verified: &'static str,
    pub admin_in_room: &'static str,
    pub admin_admitted: &'static str,
    pub admin_variants: &'static str,
    pub admin_phase: &'static str,
    pub report_heading: fn(&str) -> String,
    pub report_link: &'static str,
    pub report_figures: &'static str,
    pub report_joined: &'static str,
    pub report_peak: &'static str,
    pub report_orders: &'static str,
    pub report_units: &'static str,
    pub report_failed: &'static str,
    pub report_abandoned: &'static str,
    pub report_throttled: &'static str,
    pub report_not_admitted: &'static str,
    pub report_customer_limit: &'static str,
    pub report_sell_out: &'static str,
    pub report_not_sold_out: &'static str,
    pub report_duration: fn(i64) -> String,
    pub report_sold_chart: &'static str,
    pub report_room_chart: &'static str,
    pub report_timeline: &'static str,
    pub report_step: fn(i64) -> String,
    pub report_time: &'static str,
    pub report_waiting: &'static str,
    pub report_sold_step: &'static str,
    pub report_sold_total: &'static str,
    pub report_csv: &'static str,
    pub report_empty: &'static str,
}

impl Messages {
    pub fn rule(&self, rule: &Rule) -> String {
        (self.describe_rule)(rule)
    }

    pub fn status(&self, status: OrderStatus) -> &'static str {
        match status {
            OrderStatus::AwaitingPayment => self.status_awaiting_payment,
            OrderStatus::Paid => self.status_paid,
            OrderStatus::Shipped => self.status_shipped,
            OrderStatus::Delivered => self.status_delivered,
            OrderStatus::Cancelled => self.status_cancelled,
            OrderStatus::PaymentFailed => self.status_payment_failed,
        }
    }

    /// What the shopper reads for an error; internal details never show.
    pub fn error(&self, error: &AppError) -> String {
        match error {
            AppError::NotFound => self.error_not_found.to_owned(),
            AppError::Unauthorized => self.error_unauthorized.to_owned(),
            AppError::InvalidCredentials => self.error_invalid_credentials.to_owned(),
            AppError::Forbidden => self.error_forbidden.to_owned(),
            AppError::Validation { rule, .. } => format!("{} {}", self.error_invalid, self.rule(rule)),
            AppError::Conflict(conflict) => (self.describe_conflict)(conflict),
            AppError::TooManyRequests { retry_after } => (self.error_too_many)(*retry_after),
            AppError::TooManyMails => self.error_too_many_mails.to_owned(),
            AppError::Internal => self.error_internal.to_owned(),
            AppError::Transport(_) => self.error_transport.to_owned(),
        }
    }
}

/// In English, for logs and the command line.
impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let english = super::Locale::En.messages();
        match self {
            Self::Validation { field, rule } => write!(f, "{field}: {}", english.rule(rule)),
            Self::Transport(detail) => write!(f, "{}: {detail}", english.error_transport),
            other => f.write_str(&english.error(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::error::{
        AppError, CardRefusal, Conflict, DeliveryRefusal, Format, PromoRefusal, Rule, Shortage,
    };
    use crate::i18n::Locale;
    use crate::order_status::OrderStatus;

    /// One of each rule. The `match` makes a new rule a compile error here
    /// until it is listed.
    fn every_rule() -> Vec<Rule> {
        let rules = vec![
            Rule::Required,
            Rule::Length { min: 1, max: 200 },
            Rule::TooShort { min: 10 },
            Rule::TooLong { max: 5000 },
            Rule::OutOfRange { min: 1, max: 100 },
            Rule::StockOutOfRange {
                stock: 3,
                min: 0,
                max: 1_000_000,
            },
            Rule::NotZero,
            Rule::Format(Format::Slug),
            Rule::Format(Format::Username),
            Rule::Format(Format::Email),
            Rule::Format(Format::Price),
            Rule::Format(Format::CardExpiry),
            Rule::Format(Format::SecurityCode { digits: 4 }),
            Rule::Format(Format::Postcode),
            Rule::Format(Format::PlainText),
            Rule::Format(Format::DateTime),
            Rule::Format(Format::WeightBands),
            Rule::Format(Format::PromoCode),
            Rule::Format(Format::Month),
            Rule::Format(Format::MonthRange),
            Rule::Format(Format::Url),
            Rule::Format(Format::PublicAddress),
            Rule::UnknownChoice,
            Rule::AlreadyUsed,
            Rule::PasswordLikeIdentity,
            Rule::PasswordsDiffer,
            Rule::WrongPassword,
            Rule::Unconfirmed,
            Rule::FormExpired,
            Rule::LinkExpired,
            Rule::EmptyBasket,
            Rule::TwoAddresses,
            Rule::Card(CardRefusal::InvalidNumber),
            Rule::Card(CardRefusal::Expired),
            Rule::Card(CardRefusal::Declined),
            Rule::Card(CardRefusal::InsufficientFunds),
            Rule::Card(CardRefusal::NotCharged),
            Rule::Delivery(DeliveryRefusal::Country),
            Rule::Delivery(DeliveryRefusal::Weight),
            Rule::Promo(PromoRefusal::Unknown),
            Rule::Promo(PromoRefusal::NotYetValid),
            Rule::Promo(PromoRefusal::Expired),
            Rule::Promo(PromoRefusal::UsedUp),
            Rule::Promo(PromoRefusal::MinimumNotReached { min_cents: 3000 }),
            Rule::Promo(PromoRefusal::NotForTheseProducts),
            Rule::Promo(PromoRefusal::AlreadyUsed),
            Rule::Unreadable,
        ];
        for rule in &rules {
            match rule {
                Rule::Required
                | Rule::Length { .. }
                | Rule::TooShort { .. }
                | Rule::TooLong { .. }
                | Rule::OutOfRange { .. }
                | Rule::StockOutOfRange { .. }
                | Rule::NotZero
                | Rule::Format(_)
                | Rule::UnknownChoice
                | Rule::AlreadyUsed
                | Rule::PasswordLikeIdentity
                | Rule::PasswordsDiffer
                | Rule::WrongPassword
                | Rule::Unconfirmed
                | Rule::FormExpired
                | Rule::LinkExpired
                | Rule::EmptyBasket
                | Rule::TwoAddresses
                | Rule::Card(_)
                | Rule::Delivery(_)
                | Rule::Promo(_)
                | Rule::Unreadable => {}
            }
        }
        rules
    }

    fn every_conflict() -> Vec<Conflict> {
        let shortage = |product_id, left| Shortage { product_id, left };
        let conflicts = vec![
            Conflict::NotEnoughStock {
                lines: vec![shortage(1, 0)],
            },
            Conflict::NotEnoughStock {
                lines: vec![shortage(1, 2)],
            },
            Conflict::NotEnoughStock {
                lines: vec![shortage(1, 0), shortage(2, 1)],
            },
            Conflict::SoldOut { product_id: 1 },
            Conflict::OverLimit {
                product_id: 1,
                limit: 2,
            },
            Conflict::StatusChange {
                from: OrderStatus::Shipped,
                to: OrderStatus::Cancelled,
            },
            Conflict::CustomerLimit {
                product_id: 1,
                limit: 1,
            },
            Conflict::CategoryNotEmpty,
            Conflict::LastAdministrator,
            Conflict::OwnAccount,
            Conflict::ImportApplied,
            Conflict::ImportOutdated,
            Conflict::DropNotOpen { drop_id: 1 },
            Conflict::AdmissionRequired { drop_id: 1 },
            Conflict::RoomClosed,
            Conflict::DropForVerifiedAccounts,
            Conflict::AddressBookFull { max: 20 },
            Conflict::TooManyTokens { max: 20 },
            Conflict::IdempotencyKeyReused,
            Conflict::RequestInProgress,
        ];
        for conflict in &conflicts {
            match conflict {
                Conflict::NotEnoughStock { .. }
                | Conflict::SoldOut { .. }
                | Conflict::OverLimit { .. }
                | Conflict::CustomerLimit { .. }
                | Conflict::StatusChange { .. }
                | Conflict::CategoryNotEmpty
                | Conflict::LastAdministrator
                | Conflict::OwnAccount
                | Conflict::ImportApplied
                | Conflict::ImportOutdated
                | Conflict::DropNotOpen { .. }
                | Conflict::AdmissionRequired { .. }
                | Conflict::RoomClosed
                | Conflict::DropForVerifiedAccounts
                | Conflict::AddressBookFull { .. }
                | Conflict::TooManyTokens { .. }
                | Conflict::IdempotencyKeyReused
                | Conflict::RequestInProgress => {}
            }
        }
        conflicts
    }

    fn every_error() -> Vec<AppError> {
        let mut errors = vec![
            AppError::NotFound,
            AppError::Unauthorized,
            AppError::InvalidCredentials,
            AppError::Forbidden,
            AppError::too_many(30),
            AppError::too_many(3600),
            AppError::TooManyMails,
            AppError::Internal,
            AppError::Transport("connection reset".into()),
        ];
        errors.extend(
            every_rule()
                .into_iter()
                .map(|rule| AppError::validation("field", rule)),
        );
        errors.extend(every_conflict().into_iter().map(AppError::Conflict));
        errors
    }

    #[test]
    fn every_error_reads_in_french_and_in_english() {
        let (fr, en) = (Locale::Fr.messages(), Locale::En.messages());
        let errors = every_error();
        let mut french_seen = std::collections::HashSet::new();
        for error in &errors {
            let (french, english) = (fr.error(error), en.error(error));
            assert!(
                !french.trim().is_empty() && !english.trim().is_empty(),
                "{error:?}"
            );
            assert_ne!(french, english, "{error:?} has its own French");
            assert!(
                french_seen.insert(french.clone()),
                "{error:?} reads like another error: {french}"
            );
            for text in [&french, &english] {
                assert!(
                    !text.contains('{') && !text.contains("Some("),
                    "{error:?}: {text}"
                );
                assert!(
                    !text.contains("connection reset"),
                    "transport details stay in the logs"
                );
            }
        }
    }

    #[test]
    fn reasons_keep_their_numbers_and_statuses() {
        let fr = Locale::Fr.messages();
        let en = Locale::En.messages();
        let stock = AppError::validation(
            "delta",
            Rule::StockOutOfRange {
                stock: 3,
                min: 0,
                max: 1_000_000,
            },
        );
        assert_eq!(
            fr.error(&stock),
            "Saisie invalide : le stock (3) doit rester entre 0 et 1000000"
        );
        assert_eq!(
            en.error(&stock),
            "Invalid input: the stock (3) must stay between 0 and 1000000"
        );
        let status = AppError::Conflict(Conflict::StatusChange {
            from: OrderStatus::Shipped,
            to: OrderStatus::Cancelled,
        });
        assert_eq!(
            fr.error(&status),
            "une commande expédiée ne peut pas devenir annulée"
        );
        assert_eq!(
            en.error(&status),
            "an order that is shipped cannot become cancelled"
        );
        let limit = AppError::Conflict(Conflict::OverLimit {
            product_id: 7,
            limit: 1,
        });
        assert_eq!(
            fr.error(&limit),
            "un article de votre panier est limité à 1 par commande"
        );
    }

    #[test]
    fn an_error_in_a_url_decodes_to_the_same_value() {
        use leptos::server_fn::error::ServerFnUrlError;
        for error in every_error() {
            let in_url = ServerFnUrlError::new("basket/add", error.clone())
                .to_url("http://shop.example/basket")
                .expect("a valid URL");
            let encoded = in_url
                .query_pairs()
                .find(|(key, _)| key == "__err")
                .map(|(_, value)| value.into_owned())
                .expect("the error is in the URL");
            assert_eq!(ServerFnUrlError::<AppError>::decode_err(&encoded), error);
        }
    }
}
