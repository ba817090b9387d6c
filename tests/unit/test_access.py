from conflictmap.access import AccessPolicy, email_allowed, hash_password, password_ok, policy_from_secrets


def test_no_secrets_means_open():
    assert policy_from_secrets({}).mode == "open"


def test_shared_password():
    policy = policy_from_secrets({"access": {"password_sha256": hash_password("s3cret!").upper()}})
    assert policy.mode == "password"
    assert password_ok(policy, "s3cret!")
    assert not password_ok(policy, "s3cret") and not password_ok(policy, "")
    assert not password_ok(AccessPolicy("open"), "s3cret!")


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
