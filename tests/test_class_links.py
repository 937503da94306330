"""The class's links and addresses (``gd_ui.class_links``): a join link a phone can open."""

from __future__ import annotations

import pytest

from gd_ui import class_links as cl


def test_the_public_url_wins():
    assert cl.app_base("http://localhost:8501/", public="https://lab.school.org/descent") == \
        ("https://lab.school.org/descent/", None)
    base, warning = cl.app_base("http://localhost:8501/", public="ftp://x")
    assert base is None and "DESCENT_LAB_PUBLIC_URL" in warning


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "127.0.1.1"])
def test_localhost_becomes_the_network_address(host):
    base, warning = cl.app_base(f"http://{host}:8501/Learning_Rate_Lab", ["Learning_Rate_Lab"],
                                network_ip="192.168.1.20")
    assert base == "http://192.168.1.20:8501/" and warning is None
    assert cl.join_url(base, "ABC234") == "http://192.168.1.20:8501/?join=ABC234"


def test_no_network_address_is_a_visible_warning():
    base, warning = cl.app_base("http://localhost:8501/", network_ip=None)
    assert base is None and "no network address" in warning
    assert cl.join_url(base, "ABC234") == "./?join=ABC234"
    assert cl.app_base("http://localhost:8501/", network_ip="127.0.0.1")[0] is None


def test_a_real_host_is_kept():
    base = "https://lab.example.org/"
    assert cl.app_base(base, network_ip="10.0.0.1") == (base, None)


def test_the_teacher_link_carries_the_secret_only_when_asked():
    url = cl.teacher_url("http://h/", "ABC234", "s3cr-t_")
    assert url == "http://h/?teach=ABC234&key=s3cr-t_&present=1"


@pytest.mark.parametrize("forwarded, peer, expected", [
    ("1.2.3.4", None, "1.2.3.4"),
    ("6.6.6.6, 10.0.0.9", None, "10.0.0.9"),  # the last hop is what our proxy appended
    (None, "127.0.0.1", "127.0.0.1"),
    ("<script>", "::1", "::1"),
    (None, None, "?"),
])
def test_the_client_address_is_the_last_forwarded_hop(forwarded, peer, expected):
    assert cl.client_address(forwarded, peer) == expected


def test_class_settings_from_the_environment():
    assert cl.class_settings({}) == (300, 24.0)
    assert cl.class_settings({"DESCENT_LAB_CLASS_CAP": "40", "DESCENT_LAB_CLASS_HOURS": "2"}) == (40, 2.0)
    bad = {"DESCENT_LAB_CLASS_CAP": "lots", "DESCENT_LAB_CLASS_HOURS": "-1"}
    assert cl.class_settings(bad) == (300, 24.0)
