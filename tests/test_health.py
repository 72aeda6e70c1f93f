def test_healthz_says_the_database_answered(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_healthz_needs_no_login(client):
    assert client.get("/healthz").status_code == 200
