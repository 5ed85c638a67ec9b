//! Every sentence of the interface, once per language.
//!
//! A language is one value of [`Messages`]: forgetting a sentence in one
//! language is a compile error, not a blank on the page.

use crate::error::AppError;
use crate::payment::model::OrderStatus;

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
    pub order_number: &'static str,
    pub order_total: &'static str,
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
    pub error_too_many: &'static str,
    pub error_internal: &'static str,
    pub error_transport: &'static str,
    pub status_shipped: &'static str,
    pub status_delivered: &'static str,
    pub status_cancelled: &'static str,
    pub order_title: fn(i64) -> String,
    pub order_placed_on: &'static str,
    pub order_status_label: &'static str,
    pub order_customer: &'static str,
    pub order_shipping_to: &'static str,
    pub order_paid_with: &'static str,
    pub order_refund: &'static str,
    pub order_refund_pending: &'static str,
    pub order_refund_done: &'static str,
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
    pub admin_price_input: &'static str,
    pub admin_max_per_order: &'static str,
    pub admin_view_in_shop: &'static str,
    pub admin_product_created: &'static str,
    pub admin_archived_note: &'static str,
    pub admin_details: &'static str,
    pub admin_saved: &'static str,
    pub admin_save: &'static str,
    pub admin_image: &'static str,
    pub admin_image_hint: &'static str,
    pub admin_image_error: fn(&str) -> String,
    pub admin_upload: &'static str,
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
}

/// French wording of the server's validation messages (which are English).
const VALIDATION_FR: &[(&str, &str)] = &[
    (
        "enter a name of 1 to 200 characters",
        "saisissez un nom de 1 à 200 caractères",
    ),
    (
        "enter a name of 1 to 80 characters",
        "saisissez un nom de 1 à 80 caractères",
    ),
    (
        "lowercase letters, digits and single hyphens only",
        "lettres minuscules, chiffres et tirets simples uniquement",
    ),
    ("at most 5000 characters", "5000 caractères au plus"),
    ("choose a limit from 1 to 100", "choisissez une limite de 1 à 100"),
    (
        "stock must be between 0 and 1000000",
        "le stock doit être compris entre 0 et 1000000",
    ),
    (
        "enter a change other than 0",
        "saisissez une variation différente de 0",
    ),
    (
        "say why in 1 to 150 characters",
        "indiquez le motif en 1 à 150 caractères",
    ),
    ("enter a price such as 12,90", "saisissez un prix comme 12,90"),
    (
        "a search is at most 100 characters",
        "une recherche fait 100 caractères au plus",
    ),
    ("choose a category", "choisissez une catégorie"),
    ("check this field", "vérifiez ce champ"),
    (
        "the form has expired, reload the page",
        "le formulaire a expiré, rechargez la page",
    ),
    ("unknown category", "catégorie inconnue"),
    (
        "the role is customer or admin",
        "le rôle est client ou administrateur",
    ),
    (
        "the search contains control characters",
        "la recherche contient des caractères de contrôle",
    ),
    ("tick the box to confirm", "cochez la case pour confirmer"),
    (
        "this address is already used by another product",
        "cette adresse est déjà utilisée par un autre produit",
    ),
    (
        "this address is already used by another category",
        "cette adresse est déjà utilisée par une autre catégorie",
    ),
    ("unknown order status", "statut de commande inconnu"),
    (
        "choose a quantity from 1 to 100",
        "choisissez une quantité de 1 à 100",
    ),
    (
        "3 to 32 characters: letters, digits, dot, underscore or hyphen",
        "3 à 32 caractères : lettres, chiffres, point, tiret bas ou tiret",
    ),
    (
        "enter a valid e-mail address, like name@example.com",
        "saisissez une adresse e-mail valide, comme nom@exemple.fr",
    ),
    ("enter 1 to 100 characters", "saisissez 1 à 100 caractères"),
    ("at least 10 characters", "au moins 10 caractères"),
    ("at most 128 characters", "au plus 128 caractères"),
    (
        "must differ from your username and e-mail",
        "doit être différent de votre identifiant et de votre e-mail",
    ),
    ("the two passwords differ", "les deux mots de passe diffèrent"),
    ("this username is already taken", "cet identifiant est déjà pris"),
    ("this e-mail is already used", "cet e-mail est déjà utilisé"),
    (
        "the current password is wrong",
        "le mot de passe actuel est incorrect",
    ),
    (
        "this card number is not valid",
        "ce numéro de carte n'est pas valide",
    ),
    (
        "enter the expiry date as MM/YY",
        "saisissez la date d'expiration au format MM/AA",
    ),
    ("this card has expired", "cette carte a expiré"),
    ("the security code has 3 digits", "le cryptogramme a 3 chiffres"),
    ("the security code has 4 digits", "le cryptogramme a 4 chiffres"),
    ("the card was declined", "la carte a été refusée"),
    (
        "insufficient funds on this card",
        "provision insuffisante sur cette carte",
    ),
    ("your basket is empty", "votre panier est vide"),
    ("enter 1 to 200 characters", "saisissez 1 à 200 caractères"),
    ("enter 1 to 56 characters", "saisissez 1 à 56 caractères"),
    ("enter 1 to 12 characters", "saisissez 1 à 12 caractères"),
    (
        "letters, digits, spaces or hyphens only",
        "lettres, chiffres, espaces ou tirets uniquement",
    ),
];

impl Messages {
    /// A field's validation message in this language.
    pub fn validation(&self, message: &str) -> String {
        if std::ptr::eq(self, &FR) {
            if let Some((_, french)) = VALIDATION_FR.iter().find(|(english, _)| *english == message) {
                return (*french).to_owned();
            }
            if let Some(french) = stock_bounds_fr(message) {
                return french;
            }
        }
        message.to_owned()
    }

    pub fn status(&self, status: OrderStatus) -> &'static str {
        match status {
            OrderStatus::Paid => self.status_paid,
            OrderStatus::Shipped => self.status_shipped,
            OrderStatus::Delivered => self.status_delivered,
            OrderStatus::Cancelled => self.status_cancelled,
        }
    }

    /// What the shopper reads for an error; internal details never show.
    pub fn error(&self, error: &AppError) -> String {
        match error {
            AppError::NotFound => self.error_not_found.to_owned(),
            AppError::Unauthorized => self.error_unauthorized.to_owned(),
            AppError::InvalidCredentials => self.error_invalid_credentials.to_owned(),
            AppError::Forbidden => self.error_forbidden.to_owned(),
            AppError::Validation { message, .. } => {
                format!("{} {}", self.error_invalid, self.validation(message))
            }
            AppError::Conflict(message) if std::ptr::eq(self, &FR) => {
                conflict_fr(message).unwrap_or_else(|| message.clone())
            }
            AppError::Conflict(message) => message.clone(),
            AppError::TooManyRequests => self.error_too_many.to_owned(),
            AppError::Internal => self.error_internal.to_owned(),
            AppError::Transport(_) => self.error_transport.to_owned(),
        }
    }
}

/// An error read back from a URL (`__err`, after a form post without
/// JavaScript), in words the shop wrote. Anyone can send a link carrying
/// such an error, so no text from it is shown: fixed sentences pass,
/// sentences that carry names become a fixed sentence of the same kind,
/// anything else a generic one.
pub fn in_the_shops_words(error: AppError) -> AppError {
    match error {
        AppError::Validation { field, message } => {
            let known = VALIDATION_FR.iter().any(|(english, _)| *english == message)
                || stock_bounds_fr(&message).is_some();
            let message = if known {
                message
            } else {
                "check this field".to_owned()
            };
            AppError::Validation { field, message }
        }
        AppError::Conflict(message) => AppError::Conflict(fixed_conflict(&message).to_owned()),
        other => other,
    }
}

const ACTION_REFUSED: &str = "this action could not be completed";
const SOLD_OUT: &str = "this product is sold out";
const NOT_ENOUGH_STOCK: &str = "some items are no longer available in the quantity asked";
const OVER_LIMIT: &str = "an item is over its limit per order";

/// Conflicts whose text is fixed, with their French.
const CONFLICT_FR: &[(&str, &str)] = &[
    (
        "this category still holds products",
        "cette catégorie contient encore des produits",
    ),
    (
        "the shop needs at least one administrator",
        "la boutique doit garder au moins un administrateur",
    ),
    (
        "the last administrator cannot be deleted",
        "le dernier administrateur ne peut pas être supprimé",
    ),
    (
        "delete your own account from your account page",
        "supprimez votre propre compte depuis la page Mon compte",
    ),
    (ACTION_REFUSED, "cette action n'a pas pu aboutir"),
    (SOLD_OUT, "ce produit est épuisé"),
    (
        NOT_ENOUGH_STOCK,
        "certains articles ne sont plus disponibles dans la quantité demandée",
    ),
    (OVER_LIMIT, "un article dépasse sa limite par commande"),
];

/// A conflict the services report, read by its shape: its English text
/// carries product names and numbers.
enum ConflictShape<'a> {
    /// A sentence of `CONFLICT_FR`: English and French.
    Fixed(&'static str, &'static str),
    NotEnoughStock {
        lines: &'a str,
    },
    SoldOut {
        name: &'a str,
    },
    OverLimit {
        count: &'a str,
        name: &'a str,
    },
    StatusChange {
        from: OrderStatus,
        to: OrderStatus,
    },
}

fn conflict_shape(message: &str) -> Option<ConflictShape<'_>> {
    if let Some(&(english, french)) = CONFLICT_FR.iter().find(|(english, _)| *english == message) {
        return Some(ConflictShape::Fixed(english, french));
    }
    if let Some(lines) = message.strip_prefix("not enough stock: ") {
        return Some(ConflictShape::NotEnoughStock { lines });
    }
    if let Some(name) = message.strip_suffix(" is sold out") {
        return Some(ConflictShape::SoldOut { name });
    }
    if let Some((count, name)) = message
        .strip_prefix("at most ")
        .and_then(|rest| rest.strip_suffix(" per order"))
        .and_then(|rest| rest.split_once(" of "))
    {
        return Some(ConflictShape::OverLimit { count, name });
    }
    let (from, to) = message
        .strip_prefix("an order that is ")?
        .split_once(" cannot become ")?;
    Some(ConflictShape::StatusChange {
        from: OrderStatus::parse(from).ok()?,
        to: OrderStatus::parse(to).ok()?,
    })
}

/// The fixed sentence for a conflict read from a URL (see `in_the_shops_words`).
fn fixed_conflict(message: &str) -> &str {
    match conflict_shape(message) {
        Some(ConflictShape::Fixed(english, _)) => english,
        Some(ConflictShape::NotEnoughStock { .. }) => NOT_ENOUGH_STOCK,
        Some(ConflictShape::SoldOut { .. }) => SOLD_OUT,
        Some(ConflictShape::OverLimit { .. }) => OVER_LIMIT,
        // Two statuses name nothing but statuses.
        Some(ConflictShape::StatusChange { .. }) => message,
        None => ACTION_REFUSED,
    }
}

/// "the stock (N) must stay between 0 and 1000000" in French, N a number.
fn stock_bounds_fr(message: &str) -> Option<String> {
    let stock: i64 = message
        .strip_prefix("the stock (")?
        .strip_suffix(") must stay between 0 and 1000000")?
        .parse()
        .ok()?;
    Some(format!("le stock ({stock}) doit rester entre 0 et 1000000"))
}

/// French for the conflicts the services report.
fn conflict_fr(message: &str) -> Option<String> {
    Some(match conflict_shape(message)? {
        ConflictShape::Fixed(_, french) => french.to_owned(),
        ConflictShape::NotEnoughStock { lines } => {
            format!("stock insuffisant : {}", lines.replace(" left)", " restant(s))"))
        }
        ConflictShape::SoldOut { name } => format!("{name} est épuisé"),
        ConflictShape::OverLimit { count, name } => format!("{count} au plus de {name} par commande"),
        ConflictShape::StatusChange { from, to } => format!(
            "une commande {} ne peut pas devenir {}",
            FR.status(from).to_lowercase(),
            FR.status(to).to_lowercase()
        ),
    })
}

pub static FR: Messages = Messages {
    skip_to_content: "Aller au contenu",
    home_title: "WonderMarket — consoles, jeux, livres, high-tech et maison",
    home_description: "WonderMarket : consoles, jeux vidéo, livres, informatique, audio et maison. \
                       Les éditions rares et les sorties épuisées partout ailleurs, livrées vite.",
    home_heading: "Tous nos produits",
    language_label: "Langue",
    sort_label: "Trier par",
    sort_apply: "Trier",
    login_title: "Se connecter — WonderMarket",
    login_heading: "Se connecter",
    login_label: "Identifiant ou e-mail",
    password_label: "Mot de passe",
    login_button: "Se connecter",
    no_account: "Nouveau sur WonderMarket ?",
    create_account_link: "Créer un compte",
    register_title: "Créer un compte — WonderMarket",
    register_heading: "Créer un compte",
    username_label: "Identifiant",
    username_hint: "3 à 32 caractères : lettres, chiffres, « . », « _ » ou « - ».",
    email_label: "E-mail",
    password_hint: "Au moins 10 caractères.",
    password_confirmation_label: "Confirmez le mot de passe",
    first_name_label: "Prénom",
    last_name_label: "Nom",
    register_button: "Créer mon compte",
    have_account: "Déjà client ?",
    login_link: "Se connecter",
    logout_button: "Se déconnecter",
    account_link: "Mon compte",
    account_title: "Mon compte — WonderMarket",
    account_heading: "Mon compte",
    personal_info: "Informations personnelles",
    member_since: "Client depuis le",
    edit_profile: "Modifier mes informations",
    save: "Enregistrer",
    saved: "Modifications enregistrées.",
    change_password: "Changer de mot de passe",
    current_password: "Mot de passe actuel",
    new_password: "Nouveau mot de passe",
    password_changed: "Mot de passe modifié. Vos autres sessions ont été fermées.",
    orders_heading: "Mes commandes",
    no_orders: "Vous n'avez pas encore passé de commande.",
    delete_heading: "Supprimer mon compte",
    delete_text: "Vos données personnelles seront effacées. Vos commandes restent dans notre comptabilité, sans votre nom.",
    delete_button: "Supprimer définitivement mon compte",
    hello: |name| format!("Bonjour, {name}"),
    basket_link: "Panier",
    basket_title: "Mon panier — WonderMarket",
    basket_heading: "Mon panier",
    basket_empty: "Votre panier est vide.",
    continue_shopping: "Continuer mes achats",
    subtotal: "Sous-total",
    clear_basket: "Vider le panier",
    checkout_link: "Passer la commande",
    price_changed: "Le prix a changé depuis l'ajout.",
    exceeds_stock: "Plus assez de stock pour cette quantité.",
    added_to_basket: "Ajouté au panier.",
    checkout_title: "Commande — WonderMarket",
    checkout_heading: "Valider ma commande",
    shipping_heading: "Adresse de livraison",
    ship_name_label: "Nom complet",
    ship_street_label: "Adresse",
    ship_postcode_label: "Code postal",
    ship_city_label: "Ville",
    ship_country_label: "Pays",
    payment_heading: "Paiement par carte",
    card_number_label: "Numéro de carte",
    card_expiry_label: "Expiration (MM/AA)",
    card_cvc_label: "Cryptogramme (CVC)",
    test_cards_hint: "Boutique de démonstration : payez avec la carte de test 4242 4242 4242 4242.",
    pay_button: "Payer",
    order_confirmed: "Merci ! Votre commande est confirmée.",
    order_number: "Commande n°",
    order_total: "Total",
    status_paid: "Payée",
    in_basket: |n| format!("{n} dans le panier"),
    sort_relevance: "Pertinence",
    search_label: "Rechercher dans la boutique",
    search_placeholder: "Rechercher un produit, une marque, une catégorie…",
    search_button: "Rechercher",
    search_title: |q| format!("« {q} » — Recherche WonderMarket"),
    search_heading: |q| format!("Résultats pour « {q} »"),
    search_description: "Recherchez parmi tous les produits WonderMarket.",
    result_count: |n| match n {
        0 => "Aucun résultat".to_owned(),
        1 => "1 résultat".to_owned(),
        n => format!("{n} résultats"),
    },
    no_results: |q| {
        format!(
            "Aucun produit ne correspond à « {q} ». Vérifiez l'orthographe ou essayez un mot plus général."
        )
    },
    did_you_mean: "Vouliez-vous dire :",
    all_categories: "Toutes les catégories",
    refine_by_category: "Affiner par catégorie",
    categories_label: "Catégories",
    suggestions_label: "Suggestions",
    category_title: |c| format!("{c} — WonderMarket"),
    category_description: |c| {
        format!("{c} : tous nos produits, en stock et livrés rapidement par WonderMarket.")
    },
    home_link: "Accueil",
    breadcrumb_label: "Fil d'Ariane",
    quantity: "Quantité",
    add_to_basket: "Ajouter au panier",
    description_heading: "Description",
    related_heading: "Dans la même catégorie",
    drops_heading: "Drops : presque épuisés",
    drops_text:
        "Les produits introuvables ailleurs, en toute petite quantité. Premier arrivé, premier servi.",
    sort_newest: "Nouveautés",
    sort_price_asc: "Prix croissant",
    sort_price_desc: "Prix décroissant",
    sort_name: "Nom (A → Z)",
    in_stock: "En stock",
    sold_out: "Épuisé",
    only_left: |n| format!("Plus que {n} en stock"),
    pagination_label: "Pages",
    previous_page: "← Précédente",
    next_page: "Suivante →",
    page_n: |n| format!("Page {n}"),
    empty_catalogue: "Aucun produit ici pour le moment. Revenez bientôt !",
    loading: "Chargement…",
    not_found_title: "Page introuvable",
    not_found_text: "Cette page n'existe pas ou n'existe plus. Le produit a peut-être été retiré.",
    back_home: "Retour à l'accueil",
    footer_note: "WonderMarket — boutique de démonstration. Prix TTC en euros.",
    error_not_found: "Introuvable.",
    error_unauthorized: "Connectez-vous pour continuer.",
    error_invalid_credentials: "Identifiant ou mot de passe incorrect.",
    error_forbidden: "Vous n'avez pas accès à cette action.",
    error_invalid: "Saisie invalide :",
    error_too_many: "Trop de tentatives. Réessayez dans quelques minutes.",
    error_internal: "Une erreur est survenue de notre côté. Réessayez dans un instant.",
    error_transport: "Le serveur ne répond pas. Vérifiez votre connexion.",
    status_shipped: "Expédiée",
    status_delivered: "Livrée",
    status_cancelled: "Annulée",
    order_title: |id| format!("Commande n° {id} — WonderMarket"),
    order_placed_on: "Passée le",
    order_status_label: "Statut",
    order_customer: "Client",
    order_shipping_to: "Livraison à",
    order_paid_with: "Payée par carte",
    order_refund: "Remboursement",
    order_refund_pending: "En cours : le paiement sera remboursé sous peu",
    order_refund_done: "Remboursé sur la carte",
    order_view: "Voir la commande",
    order_items: "Articles",
    unit_price: "Prix unitaire",
    line_total: "Total ligne",
    update_quantity: "Mettre à jour",
    remove_line: "Retirer",
    quantity_capped: |n| format!("Quantité limitée à {n} (stock ou limite par commande)."),
    merge_added: |n| format!("{n} article(s) de votre visite ont rejoint votre panier."),
    merge_change: |name, wanted, kept| format!("{name} : {wanted} demandé(s), {kept} gardé(s) (stock ou limite par commande)."),
    add_short: "Ajouter",
    back_to_orders: "Mes commandes",
    admin_nav_label: "Administration",
    admin_link: "Administration",
    admin_dashboard: "Tableau de bord",
    admin_products: "Produits",
    admin_categories: "Catégories",
    admin_orders: "Commandes",
    admin_users: "Utilisateurs",
    admin_confirm: "Je confirme",
    page_n_of: |n, m| format!("Page {n} sur {m}"),
    admin_orders_today: "Commandes du jour",
    admin_revenue_today: "Chiffre d'affaires du jour",
    admin_low_stock: "Stock faible (5 ou moins)",
    admin_sold_out: "Épuisés",
    admin_newest_users: "Nouveaux utilisateurs",
    admin_audit: "Journal des actions",
    admin_nothing_to_watch: "Rien à signaler.",
    admin_new_product: "Nouveau produit",
    admin_search: "Rechercher",
    admin_no_results: "Aucun résultat.",
    admin_name: "Nom",
    admin_category: "Catégorie",
    admin_price: "Prix",
    admin_stock: "Stock",
    admin_archived: "Archivé",
    admin_create: "Créer",
    admin_slug: "Adresse (slug, facultatif)",
    admin_description: "Description",
    admin_price_input: "Prix (€, ex. 12,90)",
    admin_max_per_order: "Limite par commande",
    admin_view_in_shop: "Voir dans la boutique",
    admin_product_created: "Produit créé. Ajoutez une image.",
    admin_archived_note: "Ce produit figure dans des commandes : il est archivé, caché de la boutique.",
    admin_details: "Informations",
    admin_saved: "Enregistré.",
    admin_save: "Enregistrer",
    admin_image: "Image",
    admin_image_hint: "PNG, JPEG ou WebP, 2 Mo au plus",
    admin_image_error: |code| match code { "type" => "Ce fichier n'est pas une image PNG, JPEG ou WebP.".to_owned(), "size" => "Cette image dépasse 2 Mo.".to_owned(), _ => "Choisissez une image.".to_owned() },
    admin_upload: "Envoyer l'image",
    admin_stock_delta: "Variation (ex. 5 ou -2)",
    admin_stock_reason: "Motif",
    admin_adjust: "Ajuster le stock",
    admin_delete_product: "Supprimer le produit",
    admin_delete_product_text: "Un produit déjà commandé est archivé au lieu d'être supprimé.",
    admin_delete: "Supprimer",
    admin_deleted: "Supprimé.",
    admin_archived_done: "Archivé : il a quitté la boutique.",
    admin_new_category: "Nouvelle catégorie",
    admin_name_fr: "Nom (français)",
    admin_name_en: "Nom (anglais)",
    admin_rename: "Renommer",
    admin_product_count: |n| format!("{n} produit(s)"),
    admin_all: "Toutes",
    admin_filter: "Filtrer",
    admin_change_status: "Changer le statut",
    admin_mark_as: |status| format!("Marquer : {status}"),
    admin_new_user: "Nouvel utilisateur",
    admin_role: "Rôle",
    admin_role_customer: "Client",
    admin_role_admin: "Administrateur",
    admin_member_since: "Inscrit le",
    admin_make_admin: "Nommer administrateur",
    admin_make_customer: "Retirer le rôle administrateur",
    admin_delete_user: "Supprimer l'utilisateur",
};

pub static EN: Messages = Messages {
    skip_to_content: "Skip to content",
    home_title: "WonderMarket — consoles, games, books, tech and home",
    home_description: "WonderMarket: consoles, video games, books, computing, audio and home. \
                       Rare editions and drops sold out everywhere else, delivered fast.",
    home_heading: "All our products",
    language_label: "Language",
    sort_label: "Sort by",
    sort_apply: "Sort",
    login_title: "Log in — WonderMarket",
    login_heading: "Log in",
    login_label: "Username or e-mail",
    password_label: "Password",
    login_button: "Log in",
    no_account: "New to WonderMarket?",
    create_account_link: "Create an account",
    register_title: "Create an account — WonderMarket",
    register_heading: "Create an account",
    username_label: "Username",
    username_hint: "3 to 32 characters: letters, digits, “.”, “_” or “-”.",
    email_label: "E-mail",
    password_hint: "At least 10 characters.",
    password_confirmation_label: "Confirm the password",
    first_name_label: "First name",
    last_name_label: "Last name",
    register_button: "Create my account",
    have_account: "Already a customer?",
    login_link: "Log in",
    logout_button: "Log out",
    account_link: "My account",
    account_title: "My account — WonderMarket",
    account_heading: "My account",
    personal_info: "Personal information",
    member_since: "Member since",
    edit_profile: "Edit my information",
    save: "Save",
    saved: "Changes saved.",
    change_password: "Change my password",
    current_password: "Current password",
    new_password: "New password",
    password_changed: "Password changed. Your other sessions were ended.",
    orders_heading: "My orders",
    no_orders: "You have not ordered anything yet.",
    delete_heading: "Delete my account",
    delete_text: "Your personal data will be erased. Your orders stay in our accounts, without your name.",
    delete_button: "Delete my account for good",
    hello: |name| format!("Hello, {name}"),
    basket_link: "Basket",
    basket_title: "My basket — WonderMarket",
    basket_heading: "My basket",
    basket_empty: "Your basket is empty.",
    continue_shopping: "Continue shopping",
    subtotal: "Subtotal",
    clear_basket: "Empty the basket",
    checkout_link: "Proceed to checkout",
    price_changed: "The price changed since you added it.",
    exceeds_stock: "Not enough stock for this quantity.",
    added_to_basket: "Added to your basket.",
    checkout_title: "Checkout — WonderMarket",
    checkout_heading: "Place my order",
    shipping_heading: "Shipping address",
    ship_name_label: "Full name",
    ship_street_label: "Street address",
    ship_postcode_label: "Postcode",
    ship_city_label: "City",
    ship_country_label: "Country",
    payment_heading: "Card payment",
    card_number_label: "Card number",
    card_expiry_label: "Expiry (MM/YY)",
    card_cvc_label: "Security code (CVC)",
    test_cards_hint: "Demo shop: pay with the test card 4242 4242 4242 4242.",
    pay_button: "Pay",
    order_confirmed: "Thank you! Your order is confirmed.",
    order_number: "Order no.",
    order_total: "Total",
    status_paid: "Paid",
    in_basket: |n| format!("{n} in your basket"),
    sort_relevance: "Relevance",
    search_label: "Search the shop",
    search_placeholder: "Search for a product, a brand, a category…",
    search_button: "Search",
    search_title: |q| format!("“{q}” — WonderMarket search"),
    search_heading: |q| format!("Results for “{q}”"),
    search_description: "Search every WonderMarket product.",
    result_count: |n| match n {
        0 => "No results".to_owned(),
        1 => "1 result".to_owned(),
        n => format!("{n} results"),
    },
    no_results: |q| format!("No product matches “{q}”. Check the spelling or try a more general word."),
    did_you_mean: "Did you mean:",
    all_categories: "All categories",
    refine_by_category: "Refine by category",
    categories_label: "Categories",
    suggestions_label: "Suggestions",
    category_title: |c| format!("{c} — WonderMarket"),
    category_description: |c| format!("{c}: all our products, in stock and delivered fast by WonderMarket."),
    home_link: "Home",
    breadcrumb_label: "Breadcrumb",
    quantity: "Quantity",
    add_to_basket: "Add to basket",
    description_heading: "Description",
    related_heading: "In the same category",
    drops_heading: "Drops: almost gone",
    drops_text: "Products you cannot find elsewhere, in tiny quantities. First come, first served.",
    sort_newest: "Newest",
    sort_price_asc: "Price: low to high",
    sort_price_desc: "Price: high to low",
    sort_name: "Name (A → Z)",
    in_stock: "In stock",
    sold_out: "Sold out",
    only_left: |n| format!("Only {n} left"),
    pagination_label: "Pages",
    previous_page: "← Previous",
    next_page: "Next →",
    page_n: |n| format!("Page {n}"),
    empty_catalogue: "Nothing here yet. Come back soon!",
    loading: "Loading…",
    not_found_title: "Page not found",
    not_found_text: "This page does not exist or no longer exists. The product may have been removed.",
    back_home: "Back to the home page",
    footer_note: "WonderMarket — demo shop. Prices in euros, VAT included.",
    error_not_found: "Not found.",
    error_unauthorized: "Please log in to continue.",
    error_invalid_credentials: "Invalid login or password.",
    error_forbidden: "You are not allowed to do this.",
    error_invalid: "Invalid input:",
    error_too_many: "Too many attempts. Try again in a few minutes.",
    error_internal: "Something went wrong on our side. Please try again in a moment.",
    error_transport: "The server is not answering. Check your connection.",
    status_shipped: "Shipped",
    status_delivered: "Delivered",
    status_cancelled: "Cancelled",
    order_title: |id| format!("Order no. {id} — WonderMarket"),
    order_placed_on: "Placed on",
    order_status_label: "Status",
    order_customer: "Customer",
    order_shipping_to: "Shipping to",
    order_paid_with: "Paid by card",
    order_refund: "Refund",
    order_refund_pending: "In progress: the payment will be refunded shortly",
    order_refund_done: "Refunded to the card",
    order_view: "View order",
    order_items: "Items",
    unit_price: "Unit price",
    line_total: "Line total",
    update_quantity: "Update",
    remove_line: "Remove",
    quantity_capped: |n| format!("Quantity limited to {n} (stock or per-order limit)."),
    merge_added: |n| format!("{n} item(s) from your visit were added to your basket."),
    merge_change: |name, wanted, kept| {
        format!("{name}: {wanted} wanted, {kept} kept (stock or per-order limit).")
    },
    add_short: "Add",
    back_to_orders: "My orders",
    admin_nav_label: "Administration",
    admin_link: "Back office",
    admin_dashboard: "Dashboard",
    admin_products: "Products",
    admin_categories: "Categories",
    admin_orders: "Orders",
    admin_users: "Users",
    admin_confirm: "I confirm",
    page_n_of: |n, m| format!("Page {n} of {m}"),
    admin_orders_today: "Orders today",
    admin_revenue_today: "Revenue today",
    admin_low_stock: "Low stock (5 or fewer)",
    admin_sold_out: "Sold out",
    admin_newest_users: "Newest users",
    admin_audit: "Audit log",
    admin_nothing_to_watch: "Nothing to watch.",
    admin_new_product: "New product",
    admin_search: "Search",
    admin_no_results: "No results.",
    admin_name: "Name",
    admin_category: "Category",
    admin_price: "Price",
    admin_stock: "Stock",
    admin_archived: "Archived",
    admin_create: "Create",
    admin_slug: "Address (slug, optional)",
    admin_description: "Description",
    admin_price_input: "Price (€, e.g. 12.90)",
    admin_max_per_order: "Limit per order",
    admin_view_in_shop: "View in the shop",
    admin_product_created: "Product created. Add an image.",
    admin_archived_note: "This product appears in orders: it is archived, hidden from the shop.",
    admin_details: "Details",
    admin_saved: "Saved.",
    admin_save: "Save",
    admin_image: "Image",
    admin_image_hint: "PNG, JPEG or WebP, 2 MB at most",
    admin_image_error: |code| match code {
        "type" => "This file is not a PNG, JPEG or WebP image.".to_owned(),
        "size" => "This image is larger than 2 MB.".to_owned(),
        _ => "Choose an image.".to_owned(),
    },
    admin_upload: "Upload the image",
    admin_stock_delta: "Change (e.g. 5 or -2)",
    admin_stock_reason: "Reason",
    admin_adjust: "Adjust stock",
    admin_delete_product: "Delete the product",
    admin_delete_product_text: "A product that was ordered is archived instead of deleted.",
    admin_delete: "Delete",
    admin_deleted: "Deleted.",
    admin_archived_done: "Archived: it has left the shop.",
    admin_new_category: "New category",
    admin_name_fr: "Name (French)",
    admin_name_en: "Name (English)",
    admin_rename: "Rename",
    admin_product_count: |n| format!("{n} product(s)"),
    admin_all: "All",
    admin_filter: "Filter",
    admin_change_status: "Change the status",
    admin_mark_as: |status| format!("Mark as {status}"),
    admin_new_user: "New user",
    admin_role: "Role",
    admin_role_customer: "Customer",
    admin_role_admin: "Administrator",
    admin_member_since: "Member since",
    admin_make_admin: "Make administrator",
    admin_make_customer: "Remove the administrator role",
    admin_delete_user: "Delete the user",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_from_a_url_keep_only_the_shops_own_words() {
        let ours = [
            AppError::validation("card_number", "the card was declined"),
            AppError::validation("delta", "the stock (3) must stay between 0 and 1000000"),
            AppError::Conflict("this category still holds products".into()),
            AppError::Conflict("an order that is shipped cannot become cancelled".into()),
            AppError::NotFound,
        ];
        for error in ours {
            assert_eq!(in_the_shops_words(error.clone()), error);
        }
        let crafted = AppError::validation("email", "send your password to help@evil.example");
        assert_eq!(
            in_the_shops_words(crafted),
            AppError::validation("email", "check this field")
        );
        let crafted = AppError::validation("delta", "the stock (call us) must stay between 0 and 1000000");
        assert_eq!(
            FR.error(&in_the_shops_words(crafted)),
            "Saisie invalide : vérifiez ce champ"
        );
        // Sentences that carry a name keep their kind, not the name.
        let named = [
            ("Call +33 1 23 45 67 89 is sold out", "ce produit est épuisé"),
            (
                "not enough stock: call +33 1 23 45 67 89",
                "certains articles ne sont plus disponibles dans la quantité demandée",
            ),
            (
                "at most 1 of call us per order",
                "un article dépasse sa limite par commande",
            ),
            (
                "an order that is call cannot become us",
                "cette action n'a pas pu aboutir",
            ),
            (
                "Your account is locked: call +33 1 23 45 67 89",
                "cette action n'a pas pu aboutir",
            ),
        ];
        for (crafted, french) in named {
            let shown = in_the_shops_words(AppError::Conflict(crafted.into()));
            assert_eq!(FR.error(&shown), french, "{crafted}");
            assert!(!EN.error(&shown).contains("call"), "{crafted}");
        }
    }

    #[test]
    fn conflicts_read_in_french() {
        let fr = |m: &str| FR.error(&AppError::Conflict(m.to_owned()));
        assert_eq!(
            fr("not enough stock: Steam Deck OLED (0 left), Dune (1 left)"),
            "stock insuffisant : Steam Deck OLED (0 restant(s)), Dune (1 restant(s))"
        );
        assert_eq!(fr("PS5 is sold out"), "PS5 est épuisé");
        assert_eq!(fr("at most 1 of PS5 per order"), "1 au plus de PS5 par commande");
        assert_eq!(
            fr("an order that is shipped cannot become cancelled"),
            "une commande expédiée ne peut pas devenir annulée"
        );
        assert_eq!(
            fr("this category still holds products"),
            "cette catégorie contient encore des produits"
        );
        assert_eq!(fr("something new"), "something new", "unknown ones stay as sent");
        assert_eq!(
            EN.error(&AppError::Conflict("PS5 is sold out".into())),
            "PS5 is sold out"
        );
    }

    #[test]
    fn validation_messages_read_in_french_and_stay_english_in_english() {
        assert_eq!(FR.validation("the card was declined"), "la carte a été refusée");
        assert_eq!(EN.validation("the card was declined"), "the card was declined");
        assert_eq!(
            FR.validation("something new"),
            "something new",
            "unknown ones fall back"
        );
    }
}
