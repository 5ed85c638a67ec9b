//! Every sentence of the interface, once per language.
//!
//! A language is one value of [`Messages`]: forgetting a sentence in one
//! language is a compile error, not a blank on the page.

use crate::error::AppError;

pub struct Messages {
    pub skip_to_content: &'static str,
    pub tagline: &'static str,
    pub home_title: &'static str,
    pub home_description: &'static str,
    pub home_heading: &'static str,
    pub language_label: &'static str,
    pub sort_label: &'static str,
    pub sort_apply: &'static str,
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
    pub error_forbidden: &'static str,
    pub error_invalid: &'static str,
    pub error_too_many: &'static str,
    pub error_internal: &'static str,
    pub error_transport: &'static str,
}

impl Messages {
    /// What the shopper reads for an error; internal details never show.
    pub fn error(&self, error: &AppError) -> String {
        match error {
            AppError::NotFound => self.error_not_found.to_owned(),
            AppError::Unauthorized => self.error_unauthorized.to_owned(),
            AppError::Forbidden => self.error_forbidden.to_owned(),
            AppError::Validation { message, .. } => format!("{} {message}", self.error_invalid),
            AppError::Conflict(message) => message.clone(),
            AppError::TooManyRequests => self.error_too_many.to_owned(),
            AppError::Internal => self.error_internal.to_owned(),
            AppError::Transport(_) => self.error_transport.to_owned(),
        }
    }
}

pub static FR: Messages = Messages {
    skip_to_content: "Aller au contenu",
    tagline: "Tout, même ce qui est introuvable ailleurs",
    home_title: "WonderMarket — consoles, jeux, livres, high-tech et maison",
    home_description: "WonderMarket : consoles, jeux vidéo, livres, informatique, audio et maison. \
                       Les éditions rares et les sorties épuisées partout ailleurs, livrées vite.",
    home_heading: "Tous nos produits",
    language_label: "Langue",
    sort_label: "Trier par",
    sort_apply: "Trier",
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
    error_forbidden: "Vous n'avez pas accès à cette action.",
    error_invalid: "Saisie invalide :",
    error_too_many: "Trop de tentatives. Réessayez dans quelques minutes.",
    error_internal: "Une erreur est survenue de notre côté. Réessayez dans un instant.",
    error_transport: "Le serveur ne répond pas. Vérifiez votre connexion.",
};

pub static EN: Messages = Messages {
    skip_to_content: "Skip to content",
    tagline: "Everything, even what is sold out elsewhere",
    home_title: "WonderMarket — consoles, games, books, tech and home",
    home_description: "WonderMarket: consoles, video games, books, computing, audio and home. \
                       Rare editions and drops sold out everywhere else, delivered fast.",
    home_heading: "All our products",
    language_label: "Language",
    sort_label: "Sort by",
    sort_apply: "Sort",
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
    error_forbidden: "You are not allowed to do this.",
    error_invalid: "Invalid input:",
    error_too_many: "Too many attempts. Try again in a few minutes.",
    error_internal: "Something went wrong on our side. Please try again in a moment.",
    error_transport: "The server is not answering. Check your connection.",
};
