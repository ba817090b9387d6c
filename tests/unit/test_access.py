import hashlib

import pytest

from conflictmap.access import (
    SERVER_KEY,
    AccessMisconfigured,
    AccessPolicy,
    Throttle,
    email_allowed,
    hash_password,
    password_ok,
    policy_from_secrets,
)


def test_no_secrets_means_open():
    assert policy_from_secrets({}).mode == "open"


def test_shared_password():
    policy = policy_from_secrets({"access": {"password_hash": hash_password("s3cret!")}})
    assert policy.mode == "password"
    assert password_ok(policy, "s3cret!")
    assert not password_ok(policy, "s3cret") and not password_ok(policy, "")
    assert not password_ok(AccessPolicy("open"), "s3cret!")


def test_the_password_is_kept_salted_and_slow():
    first, second = hash_password("s3cret!"), hash_password("s3cret!")
    assert first != second, "each hash has its own salt"
    name, n, r, p, salt, key = first.split("$")
    assert (name, n, r, p) == ("scrypt", "16384", "8", "1") and len(salt) >= 20 and len(key) >= 40
    assert hashlib.sha256(b"s3cret!").hexdigest() not in first
    for digest in (first, second):
        assert password_ok(policy_from_secrets({"access": {"password_hash": digest}}), "s3cret!")


def test_a_legacy_sha256_still_opens_and_a_damaged_hash_opens_nothing():
    legacy = hashlib.sha256(b"s3cret!").hexdigest().upper()
    policy = policy_from_secrets({"access": {"password_sha256": legacy}})
    assert password_ok(policy, "s3cret!") and not password_ok(policy, "s3cret")
    digest = hash_password("s3cret!")
    for damaged in (digest[:-8], digest.replace("$", "$x", 1), "scrypt$1$2$3", "scrypt$16384$8$1$!!$!!", digest + "$"):
        assert not password_ok(AccessPolicy("password", damaged), "s3cret!"), damaged


def test_wrong_guesses_are_slowed_per_key_and_a_right_one_clears_it():
    now = [1000.0]
    throttle = Throttle(clock=lambda: now[0])
    for _ in range(3):
        assert throttle.wait("session", "10.0.0.1") == 0
        throttle.failed("session", "10.0.0.1")
    waits = []
    for _ in range(12):
        throttle.failed("session", "10.0.0.1")
        waits.append(throttle.wait("session", "10.0.0.1"))
        now[0] += waits[-1]  # the guesser waits exactly as long as asked
    assert waits[:4] == [1.0, 2.0, 4.0, 8.0] and max(waits) == 300.0
    throttle.failed("session", "10.0.0.1")
    assert throttle.wait("another session") == 0
    assert throttle.wait("another session", "10.0.0.1") == 300.0, "the client address is slowed too"
    throttle.succeeded("session", "10.0.0.1")
    assert throttle.wait("session", "10.0.0.1") == 0


def test_oidc_with_an_allow_list():
    policy = policy_from_secrets(
        {"auth": {"client_id": "x"}, "access": {"allowed_emails": ["Ana@Desk.org"], "allowed_domains": ["@ngo.org"]}}
    )
    assert policy.mode == "oidc"
    assert email_allowed(policy, "ana@desk.org") and email_allowed(policy, "bo@NGO.org")
    assert not email_allowed(policy, "eve@desk.org") and not email_allowed(policy, "eve@ngo.org.evil.com")
    assert not email_allowed(policy, None) and not email_allowed(policy, "")


def test_an_empty_allow_list_admits_any_signed_in_user():
    policy = policy_from_secrets({"auth": {"client_id": "x"}})
    assert email_allowed(policy, "anyone@anywhere.net")


@pytest.mark.parametrize(
    "secrets",
    [
        {"access": {"password_hash": ""}},
        {"access": {"password_hash": "   "}},
        {"access": {"passwordhash": hash_password("s3cret!")}},  # a mistyped key
        {"acess": {"password_hash": hash_password("s3cret!")}},  # a mistyped table
        {"Access": {"password_hash": hash_password("s3cret!")}},
        {"access": {"allowed_emails": ["analyst@example.org"]}},  # an allow-list with no sign-in to check it
        {"access": {"password_hash": hash_password("s3cret!"), "allowed_domains": ["example.org"]}},
        {"access": "s3cret!"},
    ],
)
def test_access_settings_that_fail_keep_the_app_closed(secrets):
    # the hostile pass: each of these opened a private deployment to everyone, silently
    with pytest.raises(AccessMisconfigured, match="the access settings are incomplete"):
        policy_from_secrets(secrets)


def test_secrets_about_other_things_leave_the_app_open():
    assert policy_from_secrets({"accessibility": {"font": "large"}, "other": {"x": 1}}).mode == "open"


def test_the_servers_count_outlives_sessions_and_a_right_password():
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0])
    for session in range(24):  # a new session for every guess, one a second
        throttle.failed(SERVER_KEY, f"session:{session}")
        now[0] += 1
    throttle.succeeded(SERVER_KEY, "session:analyst")  # an analyst's right password elsewhere
    assert throttle.wait(SERVER_KEY, "session:new") > 0
    now[0] += 601  # ten quiet minutes
    assert throttle.wait(SERVER_KEY, "session:new") == 0
