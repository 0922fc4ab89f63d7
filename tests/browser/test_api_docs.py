"""The API's documentation page: Swagger UI served from the site itself, under the site's CSP."""


def test_the_docs_page_shows_every_operation_without_a_csp_refusal(browser_page):
    refused = []
    browser_page.on("console", lambda message: refused.append(message.text) if message.type == "error" else None)
    browser_page.goto("/api/v1/docs")
    assert browser_page.locator("h1").first.inner_text() == "Documentation de l'API"
    browser_page.locator(".opblock-summary-path", has_text="/needs/{need_id}/closure").first.wait_for()
    paths = browser_page.locator(".opblock-summary-path").all_inner_texts()
    assert {"/employers/{siret}", "/leads", "/figures", "/events/{event_id}/results"} <= {
        path.replace("\u200b", "").strip() for path in paths
    }
    assert not [message for message in refused if "Content Security Policy" in message], refused
