#include "datagen/datagen.h"

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/temp_dir.h"
#include "duckdb.hpp"

namespace weir::datagen {
namespace {

namespace fs = std::filesystem;

constexpr double kScale = 0.001;

// The TPC-DS specification's columns, in order, with Weir's type mapping
// (identifier → BIGINT, integer → INTEGER, decimal(7,2) money, char/varchar → VARCHAR).
using Schema = std::vector<std::pair<std::string, std::string>>;

const std::map<std::string, Schema>& SpecSchemas() {
  const std::string b = "BIGINT", n = "INTEGER", m = "DECIMAL(7,2)", d = "DATE", s = "VARCHAR";
  static const std::map<std::string, Schema> kSchemas = {
      {"customer",
       {{"c_customer_sk", b},
        {"c_customer_id", s},
        {"c_current_cdemo_sk", b},
        {"c_current_hdemo_sk", b},
        {"c_current_addr_sk", b},
        {"c_first_shipto_date_sk", b},
        {"c_first_sales_date_sk", b},
        {"c_salutation", s},
        {"c_first_name", s},
        {"c_last_name", s},
        {"c_preferred_cust_flag", s},
        {"c_birth_day", n},
        {"c_birth_month", n},
        {"c_birth_year", n},
        {"c_birth_country", s},
        {"c_login", s},
        {"c_email_address", s},
        {"c_last_review_date_sk", b}}},
      {"customer_address",
       {{"ca_address_sk", b},
        {"ca_address_id", s},
        {"ca_street_number", s},
        {"ca_street_name", s},
        {"ca_street_type", s},
        {"ca_suite_number", s},
        {"ca_city", s},
        {"ca_county", s},
        {"ca_state", s},
        {"ca_zip", s},
        {"ca_country", s},
        {"ca_gmt_offset", "DECIMAL(5,2)"},
        {"ca_location_type", s}}},
      {"item", {{"i_item_sk", b},     {"i_item_id", s},       {"i_rec_start_date", d}, {"i_rec_end_date", d},
                {"i_item_desc", s},   {"i_current_price", m}, {"i_wholesale_cost", m}, {"i_brand_id", n},
                {"i_brand", s},       {"i_class_id", n},      {"i_class", s},          {"i_category_id", n},
                {"i_category", s},    {"i_manufact_id", n},   {"i_manufact", s},       {"i_size", s},
                {"i_formulation", s}, {"i_color", s},         {"i_units", s},          {"i_container", s},
                {"i_manager_id", n},  {"i_product_name", s}}},
      {"date_dim",
       {{"d_date_sk", b},
        {"d_date_id", s},
        {"d_date", d},
        {"d_month_seq", n},
        {"d_week_seq", n},
        {"d_quarter_seq", n},
        {"d_year", n},
        {"d_dow", n},
        {"d_moy", n},
        {"d_dom", n},
        {"d_qoy", n},
        {"d_fy_year", n},
        {"d_fy_quarter_seq", n},
        {"d_fy_week_seq", n},
        {"d_day_name", s},
        {"d_quarter_name", s},
        {"d_holiday", s},
        {"d_weekend", s},
        {"d_following_holiday", s},
        {"d_first_dom", n},
        {"d_last_dom", n},
        {"d_same_day_ly", n},
        {"d_same_day_lq", n},
        {"d_current_day", s},
        {"d_current_week", s},
        {"d_current_month", s},
        {"d_current_quarter", s},
        {"d_current_year", s}}},
      {"store",
       {{"s_store_sk", b},
        {"s_store_id", s},
        {"s_rec_start_date", d},
        {"s_rec_end_date", d},
        {"s_closed_date_sk", b},
        {"s_store_name", s},
        {"s_number_employees", n},
        {"s_floor_space", n},
        {"s_hours", s},
        {"s_manager", s},
        {"s_market_id", n},
        {"s_geography_class", s},
        {"s_market_desc", s},
        {"s_market_manager", s},
        {"s_division_id", n},
        {"s_division_name", s},
        {"s_company_id", n},
        {"s_company_name", s},
        {"s_street_number", s},
        {"s_street_name", s},
        {"s_street_type", s},
        {"s_suite_number", s},
        {"s_city", s},
        {"s_county", s},
        {"s_state", s},
        {"s_zip", s},
        {"s_country", s},
        {"s_gmt_offset", "DECIMAL(5,2)"},
        {"s_tax_precentage", "DECIMAL(5,2)"}}},
      {"promotion",
       {{"p_promo_sk", b},
        {"p_promo_id", s},
        {"p_start_date_sk", b},
        {"p_end_date_sk", b},
        {"p_item_sk", b},
        {"p_cost", "DECIMAL(15,2)"},
        {"p_response_target", n},
        {"p_promo_name", s},
        {"p_channel_dmail", s},
        {"p_channel_email", s},
        {"p_channel_catalog", s},
        {"p_channel_tv", s},
        {"p_channel_radio", s},
        {"p_channel_press", s},
        {"p_channel_event", s},
        {"p_channel_demo", s},
        {"p_channel_details", s},
        {"p_purpose", s},
        {"p_discount_active", s}}},
      {"web_sales",
       {{"ws_sold_date_sk", b},
        {"ws_sold_time_sk", b},
        {"ws_ship_date_sk", b},
        {"ws_item_sk", b},
        {"ws_bill_customer_sk", b},
        {"ws_bill_cdemo_sk", b},
        {"ws_bill_hdemo_sk", b},
        {"ws_bill_addr_sk", b},
        {"ws_ship_customer_sk", b},
        {"ws_ship_cdemo_sk", b},
        {"ws_ship_hdemo_sk", b},
        {"ws_ship_addr_sk", b},
        {"ws_web_page_sk", b},
        {"ws_web_site_sk", b},
        {"ws_ship_mode_sk", b},
        {"ws_warehouse_sk", b},
        {"ws_promo_sk", b},
        {"ws_order_number", b},
        {"ws_quantity", n},
        {"ws_wholesale_cost", m},
        {"ws_list_price", m},
        {"ws_sales_price", m},
        {"ws_ext_discount_amt", m},
        {"ws_ext_sales_price", m},
        {"ws_ext_wholesale_cost", m},
        {"ws_ext_list_price", m},
        {"ws_ext_tax", m},
        {"ws_coupon_amt", m},
        {"ws_ext_ship_cost", m},
        {"ws_net_paid", m},
        {"ws_net_paid_inc_tax", m},
        {"ws_net_paid_inc_ship", m},
        {"ws_net_paid_inc_ship_tax", m},
        {"ws_net_profit", m}}},
      {"store_sales",
       {{"ss_sold_date_sk", b},       {"ss_sold_time_sk", b},     {"ss_item_sk", b},          {"ss_customer_sk", b},
        {"ss_cdemo_sk", b},           {"ss_hdemo_sk", b},         {"ss_addr_sk", b},          {"ss_store_sk", b},
        {"ss_promo_sk", b},           {"ss_ticket_number", b},    {"ss_quantity", n},         {"ss_wholesale_cost", m},
        {"ss_list_price", m},         {"ss_sales_price", m},      {"ss_ext_discount_amt", m}, {"ss_ext_sales_price", m},
        {"ss_ext_wholesale_cost", m}, {"ss_ext_list_price", m},   {"ss_ext_tax", m},          {"ss_coupon_amt", m},
        {"ss_net_paid", m},           {"ss_net_paid_inc_tax", m}, {"ss_net_profit", m}}},
  };
  return kSchemas;
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// One generated lake at kScale, shared by the tests that only read it.
class DatagenTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("weir-datagen");
    DatagenOptions options;
    options.scale = kScale;
    options.out_dir = dir_->path();
    generated_ = new Status(Generate(options, [](const TableProgress& done) { progress_.push_back(done); }));
    db_ = new duckdb::DuckDB(nullptr);
  }
  static void TearDownTestSuite() {
    delete db_;
    delete generated_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(generated_->ok()) << generated_->ToString(); }

  static std::string Files(const std::string& table) {
    return "read_parquet('" + dir_->path() + "/" + table + "/*.parquet')";
  }
  // The single value `sql` returns.
  static duckdb::Value Scalar(const std::string& sql) {
    duckdb::Connection c(*db_);
    auto result = c.Query(sql);
    if (result->HasError()) {
      ADD_FAILURE() << sql << ": " << result->GetError();
      return duckdb::Value();
    }
    return result->GetValue(0, 0);
  }

  static testing::TempDir* dir_;
  static Status* generated_;
  static duckdb::DuckDB* db_;
  static std::vector<TableProgress> progress_;
};

testing::TempDir* DatagenTest::dir_ = nullptr;
Status* DatagenTest::generated_ = nullptr;
duckdb::DuckDB* DatagenTest::db_ = nullptr;
std::vector<TableProgress> DatagenTest::progress_;

TEST_F(DatagenTest, WritesOneFolderPerTableAndReportsEach) {
  ASSERT_EQ(progress_.size(), TableNames().size());
  for (size_t t = 0; t < progress_.size(); t++) {
    const auto& table = TableNames()[t];
    EXPECT_EQ(progress_[t].table, table);
    EXPECT_EQ(progress_[t].parts, 1);
    EXPECT_TRUE(fs::is_regular_file(fs::path(dir_->path()) / table / "part-0.parquet")) << table;
    EXPECT_FALSE(fs::exists(fs::path(dir_->path()) / ("." + table + ".partial"))) << table;
  }
}

TEST_F(DatagenTest, ColumnsHaveTheSpecificationsNamesAndTypes) {
  ASSERT_EQ(SpecSchemas().size(), TableNames().size());
  for (const auto& [table, spec] : SpecSchemas()) {
    duckdb::Connection c(*db_);
    auto result = c.Query("DESCRIBE SELECT * FROM " + Files(table));
    ASSERT_FALSE(result->HasError()) << result->GetError();
    Schema actual;
    for (duckdb::idx_t row = 0; row < result->RowCount(); row++) {
      actual.emplace_back(result->GetValue(0, row).ToString(), result->GetValue(1, row).ToString());
    }
    EXPECT_EQ(actual, spec) << table;
  }
}

TEST_F(DatagenTest, RowCountsFollowTheScale) {
  for (const auto& table : TableNames()) {
    auto expected = RowCount(table, kScale);
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(Scalar("SELECT count(*) FROM " + Files(table)).GetValue<int64_t>(), *expected) << table;
  }
}

TEST_F(DatagenTest, PrimaryKeysAreUniqueAndDense) {
  const std::vector<std::pair<std::string, std::string>> keys = {
      {"customer", "c_customer_sk"}, {"customer_address", "ca_address_sk"}, {"item", "i_item_sk"},
      {"store", "s_store_sk"},       {"promotion", "p_promo_sk"},
  };
  for (const auto& [table, key] : keys) {
    EXPECT_EQ(Scalar("SELECT count(DISTINCT " + key + ") = count(*) AND min(" + key + ") = 1 AND max(" + key +
                     ") = count(*) FROM " + Files(table))
                  .GetValue<bool>(),
              true)
        << table;
  }
  EXPECT_EQ(Scalar("SELECT min(d_date)::VARCHAR || ' ' || max(d_date)::VARCHAR FROM " + Files("date_dim")).ToString(),
            "1900-01-02 2100-01-01");
}

TEST_F(DatagenTest, ForeignKeysJoin) {
  struct Fk {
    std::string table, column, parent, key;
  };
  const std::vector<Fk> fks = {
      {"web_sales", "ws_item_sk", "item", "i_item_sk"},
      {"web_sales", "ws_bill_customer_sk", "customer", "c_customer_sk"},
      {"web_sales", "ws_ship_customer_sk", "customer", "c_customer_sk"},
      {"web_sales", "ws_bill_addr_sk", "customer_address", "ca_address_sk"},
      {"web_sales", "ws_ship_addr_sk", "customer_address", "ca_address_sk"},
      {"web_sales", "ws_sold_date_sk", "date_dim", "d_date_sk"},
      {"web_sales", "ws_ship_date_sk", "date_dim", "d_date_sk"},
      {"web_sales", "ws_promo_sk", "promotion", "p_promo_sk"},
      {"store_sales", "ss_item_sk", "item", "i_item_sk"},
      {"store_sales", "ss_customer_sk", "customer", "c_customer_sk"},
      {"store_sales", "ss_addr_sk", "customer_address", "ca_address_sk"},
      {"store_sales", "ss_sold_date_sk", "date_dim", "d_date_sk"},
      {"store_sales", "ss_store_sk", "store", "s_store_sk"},
      {"store_sales", "ss_promo_sk", "promotion", "p_promo_sk"},
      {"customer", "c_current_addr_sk", "customer_address", "ca_address_sk"},
      {"customer", "c_first_sales_date_sk", "date_dim", "d_date_sk"},
      {"customer", "c_first_shipto_date_sk", "date_dim", "d_date_sk"},
      {"customer", "c_last_review_date_sk", "date_dim", "d_date_sk"},
      {"promotion", "p_item_sk", "item", "i_item_sk"},
      {"promotion", "p_start_date_sk", "date_dim", "d_date_sk"},
      {"promotion", "p_end_date_sk", "date_dim", "d_date_sk"},
  };
  for (const auto& fk : fks) {
    std::string sql = "SELECT count(*) FROM " + Files(fk.table) + " c WHERE c." + fk.column +
                      " IS NULL OR NOT EXISTS (SELECT 1 FROM " + Files(fk.parent) + " p WHERE p." + fk.key + " = c." +
                      fk.column + ")";
    EXPECT_EQ(Scalar(sql).GetValue<int64_t>(), 0) << fk.table << "." << fk.column << " → " << fk.parent;
  }
}

TEST_F(DatagenTest, ItemCategoriesAreTpcdsTen) {
  EXPECT_EQ(Scalar("SELECT string_agg(DISTINCT i_category, ',' ORDER BY i_category) FROM " + Files("item")).ToString(),
            "Books,Children,Electronics,Home,Jewelry,Men,Music,Shoes,Sports,Women");
  // One id per category name.
  EXPECT_EQ(Scalar("SELECT count(DISTINCT (i_category_id, i_category)) FROM " + Files("item")).GetValue<int64_t>(), 10);
}

TEST_F(DatagenTest, ValuesArePlausible) {
  // Money adds up as TPC-DS defines it.
  EXPECT_EQ(Scalar("SELECT count(*) FROM " + Files("web_sales") +
                   " WHERE ws_ext_list_price <> ws_quantity * ws_list_price OR ws_sales_price > ws_list_price "
                   "OR ws_net_paid_inc_tax <> ws_net_paid + ws_ext_tax OR ws_quantity NOT BETWEEN 1 AND 100")
                .GetValue<int64_t>(),
            0);
  EXPECT_EQ(Scalar("SELECT count(*) FROM " + Files("customer") +
                   " WHERE c_email_address NOT LIKE c_first_name || '.' || c_last_name || '%@%' "
                   "OR c_birth_year NOT BETWEEN 1924 AND 1992 OR length(c_customer_id) <> 16")
                .GetValue<int64_t>(),
            0);
  EXPECT_GT(Scalar("SELECT count(DISTINCT c_birth_country) FROM " + Files("customer")).GetValue<int64_t>(), 20);
  EXPECT_EQ(
      Scalar("SELECT d_day_name || ' ' || d_date_sk FROM " + Files("date_dim") + " WHERE d_date = DATE '2000-01-01'")
          .ToString(),
      "Saturday 2451545");
}

TEST(Datagen, SameScaleWritesIdenticalFiles) {
  testing::TempDir a("weir-datagen-a"), b("weir-datagen-b");
  for (const auto* dir : {&a, &b}) {
    DatagenOptions options;
    options.scale = kScale;
    options.out_dir = dir->path();
    options.threads = dir == &a ? 1 : 2;  // the thread count must not matter
    Status status = Generate(options, nullptr);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  for (const auto& table : TableNames()) {
    auto file = fs::path(table) / "part-0.parquet";
    std::string first = ReadBytes(fs::path(a.path()) / file);
    EXPECT_FALSE(first.empty()) << table;
    EXPECT_TRUE(first == ReadBytes(fs::path(b.path()) / file)) << table << " differs between runs";
  }
}

TEST(Datagen, SplitsLargeTablesIntoPartsWithTheSameRows) {
  testing::TempDir dir("weir-datagen");
  std::vector<TableProgress> progress;
  for (int64_t rows_per_part : {kRowsPerPart, int64_t{1000}}) {
    DatagenOptions options;
    options.scale = kScale;
    options.out_dir = dir.path() + "/" + std::to_string(rows_per_part);
    options.tables = {"store_sales"};
    options.rows_per_part = rows_per_part;
    Status status = Generate(options, [&](const TableProgress& done) { progress.push_back(done); });
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
  ASSERT_EQ(progress.size(), 2u);
  EXPECT_EQ(progress[0].parts, 1);
  EXPECT_EQ(progress[1].parts, 3);  // 2,880 rows
  EXPECT_TRUE(fs::exists(dir.path() + "/1000/store_sales/part-2.parquet"));
  duckdb::DuckDB db(nullptr);
  duckdb::Connection c(db);
  auto result = c.Query("SELECT count(*) FROM (FROM read_parquet('" + dir.path() +
                        "/1000/store_sales/*.parquet') EXCEPT ALL FROM read_parquet('" + dir.path() + "/" +
                        std::to_string(kRowsPerPart) + "/store_sales/*.parquet'))");
  ASSERT_FALSE(result->HasError()) << result->GetError();
  EXPECT_EQ(result->GetValue(0, 0).GetValue<int64_t>(), 0);
}

TEST(Datagen, ReplacesExistingTableFolders) {
  testing::TempDir dir("weir-datagen");
  fs::create_directories(fs::path(dir.path()) / "item");
  std::ofstream(fs::path(dir.path()) / "item" / "stale.parquet") << "old";
  DatagenOptions options;
  options.scale = kScale;
  options.out_dir = dir.path();
  options.tables = {"item"};
  Status status = Generate(options, nullptr);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "item" / "stale.parquet"));
  EXPECT_TRUE(fs::exists(fs::path(dir.path()) / "item" / "part-0.parquet"));
  EXPECT_FALSE(fs::exists(fs::path(dir.path()) / "customer"));
}

TEST(Datagen, RefusesInvalidOptions) {
  testing::TempDir dir("weir-datagen");
  std::string file = dir.path() + "/a-file";
  std::ofstream(file) << "x";
  struct Case {
    const char* name;
    DatagenOptions options;
    StatusCode code;
  };
  auto with = [&](double scale, std::string out, std::vector<std::string> tables = {}, int threads = 0) {
    DatagenOptions o;
    o.scale = scale;
    o.out_dir = std::move(out);
    o.tables = std::move(tables);
    o.threads = threads;
    return o;
  };
  const std::vector<Case> cases = {
      {"zero scale", with(0, dir.path()), StatusCode::kInvalidArgument},
      {"negative scale", with(-1, dir.path()), StatusCode::kInvalidArgument},
      {"scale above 1000", with(1000.5, dir.path()), StatusCode::kInvalidArgument},
      {"NaN scale", with(std::nan(""), dir.path()), StatusCode::kInvalidArgument},
      {"infinite scale", with(HUGE_VAL, dir.path()), StatusCode::kInvalidArgument},
      {"no output directory", with(1, ""), StatusCode::kInvalidArgument},
      {"unknown table", with(1, dir.path(), {"lineitem"}), StatusCode::kInvalidArgument},
      {"negative threads", with(1, dir.path(), {}, -1), StatusCode::kInvalidArgument},
      {"no rows per part",
       [&] {
         auto o = with(1, dir.path());
         o.rows_per_part = 0;
         return o;
       }(),
       StatusCode::kInvalidArgument},
      {"output is a file", with(kScale, file), StatusCode::kIoError},
      {"output below a file", with(kScale, file + "/sub"), StatusCode::kIoError},
  };
  for (const auto& c : cases) {
    Status status = Generate(c.options, nullptr);
    EXPECT_EQ(status.code(), c.code) << c.name << ": " << status.ToString();
    EXPECT_FALSE(status.message().empty()) << c.name;
  }
  // Nothing was written: the directory holds only a-file.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
  EXPECT_TRUE(ValidateOptions(with(1, dir.path())).ok());
  EXPECT_TRUE(ValidateOptions(with(1000, dir.path())).ok());
}

TEST(Datagen, RowCountsAtScaleOneAreTheSpecifications) {
  const std::map<std::string, int64_t> expected = {
      {"customer", 100000}, {"customer_address", 50000}, {"item", 18000},       {"date_dim", 73049},
      {"store", 12},        {"promotion", 300},          {"web_sales", 720000}, {"store_sales", 2880000},
  };
  for (const auto& [table, rows] : expected) {
    auto count = RowCount(table, 1);
    ASSERT_TRUE(count.ok()) << table;
    EXPECT_EQ(*count, rows) << table;
  }
  // Smaller scales shrink proportionally, down to a minimum; the calendar is fixed.
  EXPECT_EQ(*RowCount("customer", 0.01), 1000);
  EXPECT_EQ(*RowCount("web_sales", 0.01), 7200);
  EXPECT_EQ(*RowCount("store", 0.01), 2);
  EXPECT_EQ(*RowCount("item", 0.0001), 100);
  EXPECT_EQ(*RowCount("date_dim", 0.01), 73049);
  EXPECT_EQ(*RowCount("store_sales", 10), 28800000);
  EXPECT_FALSE(RowCount("lineitem", 1).ok());
}

}  // namespace
}  // namespace weir::datagen
