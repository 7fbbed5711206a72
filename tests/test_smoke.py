def test_front_page_lists_regions_and_municipalities(client, places):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Pohjois-Pohjanmaa" in text and "Kempele" in text and "Uusimaa" in text


def test_oulu_liaison_sees_own_workspace_not_kempeles(world):
    client = world.client("oulu_liaison")
    assert client.get("/kunnat/564/tyotila/").status_code == 200
    assert client.get("/kunnat/244/tyotila/").status_code == 403
