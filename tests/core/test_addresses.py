"""core.addresses: whether a phone can open an address; QUIZ_PUBLIC_URL's form."""

from __future__ import annotations

import pytest

from quizengine.core.addresses import is_loopback_url, public_base


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:5000/play/PTG1LIVE",
        "http://127.8.0.1/",
        "http://localhost:5000/play/X",
        "http://LOCALHOST./",
        "http://quiz.localhost/",
        "http://[::1]:5000/",
        "http://0.0.0.0:5000/",
    ],
)
def test_loopback_addresses_are_unreachable_from_a_phone(url):
    assert is_loopback_url(url)


@pytest.mark.parametrize(
    "url",
    ["http://192.168.1.20:5000/play/X", "https://quiz.example.gov.cn/play/X", "http://10.0.0.5/", "http://[fe80::1]/"],
)
def test_other_addresses_are_not_loopback(url):
    assert not is_loopback_url(url)


def test_a_public_url_loses_its_trailing_slash_and_keeps_a_prefix():
    assert public_base("http://192.168.1.20:5000/") == "http://192.168.1.20:5000"
    assert public_base(" https://quiz.example.gov.cn/contest/ ") == "https://quiz.example.gov.cn/contest"


@pytest.mark.parametrize("url", ["192.168.1.20:5000", "ftp://host/", "http://", "http://host/?a=1"])
def test_a_public_url_must_be_an_http_address(url):
    with pytest.raises(ValueError, match="QUIZ_PUBLIC_URL"):
        public_base(url)
