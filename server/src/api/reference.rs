//! The API's reference page, `/api/docs`: the OpenAPI document drawn as
//! one HTML page on the server, with the shop's stylesheet and no script,
//! so it reads offline and without JavaScript (no CDN, no asset fetched
//! at build time).

use std::fmt::Write;

use html_escape::encode_text as text;
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The page for `document`.
pub fn page(document: &utoipa::openapi::OpenApi) -> String {
    let document = serde_json::to_value(document).unwrap_or(Value::Null);
    let info = &document["info"];
    let mut html = String::with_capacity(64 * 1024);
    let title = info["title"].as_str().unwrap_or("API");
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} reference</title><link rel=\"stylesheet\" href=\"/pkg/wondermarket.css\"></head>\
         <body><main id=\"main\" class=\"container api-reference\"><h1>{} {}</h1><p>{}</p>\
         <p>The machine-readable document: <a href=\"/api/v1/openapi.json\"><code>/api/v1/openapi.json</code></a> (OpenAPI {}).</p>",
        text(title),
        text(title),
        text(info["version"].as_str().unwrap_or("")),
        text(info["description"].as_str().unwrap_or("")),
        text(document["openapi"].as_str().unwrap_or("")),
    );
    html.push_str("<nav aria-label=\"Operations\"><h2>Operations</h2><ul>");
    let operations = operations(&document);
    for (method, path, operation) in &operations {
        let _ = write!(
            html,
            "<li><a href=\"#{}\"><code>{} {}</code></a> {}</li>",
            anchor(operation),
            method.to_uppercase(),
            text(path),
            text(summary(operation)),
        );
    }
    html.push_str("</ul></nav>");
    for (method, path, operation) in &operations {
        operation_section(&mut html, method, path, operation);
    }
    html.push_str("<section><h2>Schemas</h2>");
    if let Some(schemas) = document["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(html, "<h3 id=\"schema-{}\">{}</h3>", text(name), text(name));
            schema_table(&mut html, schema);
        }
    }
    html.push_str("</section><section><h2>Problems</h2><dl>");
    for (kind, meaning) in super::problem::KINDS {
        let _ = write!(
            html,
            "<dt id=\"problem-{kind}\"><code>{kind}</code></dt><dd>{}</dd>",
            text(meaning)
        );
    }
    html.push_str("</dl></section></main></body></html>");
    html
}

fn operations(document: &Value) -> Vec<(&'static str, String, &Value)> {
    let mut found = Vec::new();
    if let Some(paths) = document["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if let Some(operation) = item.get(method) {
                    found.push((method, path.clone(), operation));
                }
            }
        }
    }
    found
}

fn anchor(operation: &Value) -> String {
    format!("op-{}", operation["operationId"].as_str().unwrap_or("operation"))
}

fn summary(operation: &Value) -> &str {
    operation["summary"]
        .as_str()
        .or_else(|| operation["description"].as_str())
        .unwrap_or("")
}

/// Who may call: from the operation's security requirements.
fn audience(operation: &Value) -> String {
    let Some(requirements) = operation["security"].as_array() else {
        return "anyone".to_owned();
    };
    let mut public = false;
    let mut scopes = Vec::new();
    for requirement in requirements {
        match requirement.as_object() {
            Some(schemes) if schemes.is_empty() => public = true,
            Some(schemes) => {
                for needed in schemes.values() {
                    let names: Vec<&str> = needed
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect();
                    scopes.push(if names.is_empty() {
                        "any token".to_owned()
                    } else {
                        format!("a token with {}", names.join(", "))
                    });
                }
            }
            None => {}
        }
    }
    match (public, scopes.is_empty()) {
        (true, true) => "anyone".to_owned(),
        (true, false) => format!("anyone; {} to be known", scopes.join(" or ")),
        (false, _) => scopes.join(" or "),
    }
}

fn operation_section(html: &mut String, method: &str, path: &str, operation: &Value) {
    let _ = write!(
        html,
        "<section class=\"panel\" id=\"{}\"><h2><code>{} {}</code></h2><p>{}</p><p><strong>Who:</strong> {}</p>",
        anchor(operation),
        method.to_uppercase(),
        text(path),
        text(operation["description"].as_str().or_else(|| operation["summary"].as_str()).unwrap_or("")),
        text(&audience(operation)),
    );
    if let Some(parameters) = operation["parameters"].as_array().filter(|p| !p.is_empty()) {
        html.push_str("<h3>Parameters</h3><table class=\"table\"><thead><tr><th scope=\"col\">Name</th><th scope=\"col\">In</th><th scope=\"col\">Type</th><th scope=\"col\">Required</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
        for parameter in parameters {
            let _ = write!(
                html,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                text(parameter["name"].as_str().unwrap_or("")),
                text(parameter["in"].as_str().unwrap_or("")),
                type_of(&parameter["schema"]),
                if parameter["required"].as_bool().unwrap_or(false) {
                    "yes"
                } else {
                    "no"
                },
                text(parameter["description"].as_str().unwrap_or("")),
            );
        }
        html.push_str("</tbody></table>");
    }
    if let Some(body) = operation["requestBody"]["content"]
        .as_object()
        .and_then(|c| c.values().next())
    {
        let _ = write!(html, "<h3>Body</h3><p>{}</p>", type_of(&body["schema"]));
    }
    if let Some(responses) = operation["responses"].as_object() {
        html.push_str("<h3>Answers</h3><ul>");
        for (status, response) in responses {
            let schema = response["content"]
                .as_object()
                .and_then(|content| content.values().next())
                .map(|content| type_of(&content["schema"]))
                .unwrap_or_default();
            let _ = write!(
                html,
                "<li><strong>{}</strong> {} {}</li>",
                text(status),
                text(response["description"].as_str().unwrap_or("")),
                schema,
            );
        }
        html.push_str("</ul>");
    }
    html.push_str("</section>");
}

/// A schema's type in words, linking the named ones.
fn type_of(schema: &Value) -> String {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap_or(reference);
        return format!("<a href=\"#schema-{}\">{}</a>", text(name), text(name));
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        return choices.iter().map(type_of).collect::<Vec<_>>().join(" or ");
    }
    let kind = match &schema["type"] {
        Value::String(kind) => kind.clone(),
        Value::Array(kinds) => kinds
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "object".to_owned(),
    };
    if kind.starts_with("array") {
        return format!("array of {}", type_of(&schema["items"]));
    }
    text(&kind).into_owned()
}

fn schema_table(html: &mut String, schema: &Value) {
    if let Some(description) = schema["description"].as_str() {
        let _ = write!(html, "<p>{}</p>", text(description));
    }
    let Some(properties) = schema["properties"].as_object() else {
        let _ = write!(html, "<p>{}</p>", type_of(schema));
        return;
    };
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    html.push_str("<table class=\"table\"><thead><tr><th scope=\"col\">Field</th><th scope=\"col\">Type</th><th scope=\"col\">Meaning</th></tr></thead><tbody>");
    for (name, property) in properties {
        let optional = if required.contains(&name.as_str()) {
            ""
        } else {
            " (optional)"
        };
        let _ = write!(
            html,
            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
            text(name),
            optional,
            type_of(property),
            text(property["description"].as_str().unwrap_or("")),
        );
    }
    html.push_str("</tbody></table>");
}
