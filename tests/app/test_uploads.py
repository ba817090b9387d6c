"""One way to read a file the analyst gives: its name, its bytes and a digest that keys the session's
choices for it (the same content, the same digest; the Report page keys a text the same way)."""

from conflictmap.app.uploads import Upload, digest


def test_an_upload_keeps_its_name_and_bytes_and_a_digest_of_them():
    first, again, other = Upload("a.csv", b"x,y\n1,2\n"), Upload("b.csv", b"x,y\n1,2\n"), Upload("a.csv", b"z")
    assert first.digest == again.digest == digest(b"x,y\n1,2\n") and len(first.digest) == 16
    assert other.digest != first.digest


def test_the_data_page_reads_an_uploaded_file_through_it():
    from tests.app.conftest import open_page
    from tests.conftest import FIXTURES

    at = open_page("pages/5_Data.py")
    at.run()
    content = (FIXTURES / "acled_invented.csv").read_bytes()
    at.file_uploader(key="data.upload").set_value(("acled_invented.csv", content, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any(metric.label == "Rows read" for metric in at.metric)
    assert at.session_state["data.format"] == "auto"
