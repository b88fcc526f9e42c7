"""`weir datagen`: TPC-DS-schema sample data, registered as the seed walkthrough's
tables and read through grants."""

import pytest

from conftest import Weir

TABLES = ["date_dim", "item", "customer_address", "customer", "store", "promotion", "web_sales", "store_sales"]
SCALE = "0.001"


@pytest.fixture(scope="module")
def tpc(tmp_path_factory, weir_bin):
    """A data directory with datagen's tables at a tiny scale registered as tpc.dl_tpc_<table>."""
    weir = Weir(tmp_path_factory.mktemp("tpc") / "d")
    weir.admin("init")
    out = weir.data_dir / "lake" / "tpc"
    proc = weir.run("datagen", "--scale", SCALE, "--out", str(out))
    for table in TABLES:
        assert (out / table / "part-0.parquet").is_file(), table
        weir.admin("table", "register", f"tpc.dl_tpc_{table}", "--location", f"tpc/{table}", "--create-database")
    weir.datagen_stderr = proc.stderr
    return weir


def test_progress_names_every_table_and_the_rate(tpc):
    lines = tpc.datagen_stderr.splitlines()
    for table in TABLES:
        assert any(line.startswith(table + " ") for line in lines), tpc.datagen_stderr
    assert "rows/s" in lines[-1]
    assert lines[-1].startswith("8 tables")


def test_electronics_role_reads_only_electronics_items(tpc):
    tpc.admin("filter", "create", "electronics", "--table", "tpc.dl_tpc_item",
              "--row-filter", "i_category = 'Electronics'")
    tpc.admin("role", "create", "electronics-data-access-role")
    tpc.admin("grant", "--role", "electronics-data-access-role", "--table", "tpc.dl_tpc_item",
              "--filter", "electronics")
    rows, state, err = tpc.sql("electronics-data-access-role",
                               "SELECT i_item_sk, i_category, i_current_price FROM dl_tpc_item LIMIT 10",
                               database="tpc")
    assert state is None, err
    assert len(rows) == 10
    assert {row["i_category"] for row in rows} == {"Electronics"}
    _, state, _ = tpc.sql("electronics-data-access-role", "SELECT count(*) FROM tpc.dl_tpc_web_sales")
    assert state == "42501"


def test_item_grant_sees_all_ten_categories(tpc):
    tpc.admin("role", "create", "item-reader")
    tpc.admin("grant", "--role", "item-reader", "--table", "tpc.dl_tpc_item")
    rows, state, err = tpc.sql("item-reader",
                               "SELECT DISTINCT i_category FROM tpc.dl_tpc_item ORDER BY i_category")
    assert state is None, err
    assert [row["i_category"] for row in rows] == [
        "Books", "Children", "Electronics", "Home", "Jewelry", "Men", "Music", "Shoes", "Sports", "Women"]


def test_sales_join_their_dimensions(tpc):
    tpc.admin("role", "create", "sales-data-access-role")
    for table in ["web_sales", "item", "customer", "date_dim"]:
        tpc.admin("grant", "--role", "sales-data-access-role", "--table", f"tpc.dl_tpc_{table}")
    rows, state, err = tpc.sql(
        "sales-data-access-role",
        "SELECT (SELECT count(*) FROM tpc.dl_tpc_web_sales) AS total, count(*) AS joined "
        "FROM tpc.dl_tpc_web_sales ws "
        "JOIN tpc.dl_tpc_item i ON ws.ws_item_sk = i.i_item_sk "
        "JOIN tpc.dl_tpc_customer c ON ws.ws_bill_customer_sk = c.c_customer_sk "
        "JOIN tpc.dl_tpc_date_dim d ON ws.ws_sold_date_sk = d.d_date_sk")
    assert state is None, err
    assert rows[0]["joined"] == rows[0]["total"] == 720


def test_same_scale_writes_the_same_bytes(tmp_path, weir_bin):
    weir = Weir(tmp_path)
    for run in ("a", "b"):
        weir.run("datagen", "--scale", SCALE, "--out", str(tmp_path / run), "--tables", "item,customer")
    for table in ("item", "customer"):
        a = (tmp_path / "a" / table / "part-0.parquet").read_bytes()
        assert a == (tmp_path / "b" / table / "part-0.parquet").read_bytes(), table
    assert not (tmp_path / "a" / "web_sales").exists()


def test_help_explains_tables_and_scale(weir_bin):
    proc = Weir(None).run("datagen", "--help")
    for word in ["--scale", "--out", "customer_address", "web_sales", "store_sales", "Electronics", "TPC-DS"]:
        assert word in proc.stdout, word


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--scale", "0"], 2, "scale must be greater than 0"),
        (["--scale", "1001"], 2, "at most 1000"),
        (["--scale", "0.001", "--tables", "lineitem"], 2, "unknown table 'lineitem'"),
        (["--scale", "abc"], 2, None),
    ],
)
def test_bad_usage_exits_2(tmp_path, weir_bin, args, code, message):
    proc = Weir(None).run("datagen", *args, "--out", str(tmp_path / "out"), check=False)
    assert proc.returncode == code, proc.stderr
    if message:
        assert proc.stderr.startswith("ERROR:") and message in proc.stderr, proc.stderr
    assert not (tmp_path / "out").exists()


def test_missing_out_is_bad_usage(weir_bin):
    assert Weir(None).run("datagen", "--scale", "1", check=False).returncode == 2


def test_unwritable_output_fails_with_an_error(tmp_path, weir_bin):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    proc = Weir(None).run("datagen", "--scale", SCALE, "--out", str(blocker / "sub"), check=False)
    assert proc.returncode == 1
    assert proc.stderr.startswith("ERROR:"), proc.stderr
