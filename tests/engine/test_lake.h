#pragma once

// A small lake for the engine and session tests: Parquet and CSV tables
// written with a plain DuckDB into a fresh directory under /tmp, the catalog
// and grants describing them (a hand-made store::MetadataState), and helpers
// that drain results into strings.
//
//   sales.orders     2 Parquet files, ids 1..20; columns in file order
//                    id, customer, ssn, amount, region (ssn sits in the middle
//                    so hiding it shifts the later columns' positions)
//   sales.customers  4 rows: customer, tier
//   sales.events     100,000 rows (id, bucket = id % 7): many chunks
//   sales.visits     Hive-partitioned by day (30 rows over 3 days)
//   sales.notes      CSV: id, note
//   hr.salaries      name, salary
//
// Roles and grants:
//   analyst   orders (all but ssn), customers, events, visits, notes
//   auditor   orders via two grants whose union is {id, amount, region}
//   hr_admin  hr.salaries
//   stale     hr.salaries, but only a column the table no longer has
//   nobody    no grants

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "access/snapshot.h"
#include "common/temp_dir.h"
#include "duckdb.hpp"
#include "engine/engine.h"
#include "store/store.h"

namespace weir::testing {

// Rows of a result as text (NULL as "NULL").
struct TextRows {
  std::vector<std::string> names;
  std::vector<std::vector<std::string>> rows;
};

inline void AppendChunk(const duckdb::DataChunk& chunk, TextRows* out) {
  for (duckdb::idx_t r = 0; r < chunk.size(); r++) {
    std::vector<std::string> row;
    for (duckdb::idx_t c = 0; c < chunk.ColumnCount(); c++) row.push_back(chunk.GetValue(c, r).ToString());
    out->rows.push_back(std::move(row));
  }
}

class TestLake {
 public:
  // Builds the lake; returns nullptr (after ADD_FAILURE) when DuckDB cannot
  // write the files.
  static std::unique_ptr<TestLake> Create() {
    auto lake = std::unique_ptr<TestLake>(new TestLake());
    if (!lake->WriteFiles()) return nullptr;
    lake->BuildState();
    return lake;
  }

  const std::string& lake_root() const { return lake_root_; }
  const std::string& temp_root() const { return temp_root_; }
  const store::MetadataState& state() const { return state_; }
  std::shared_ptr<const access::Snapshot> snapshot() const { return snapshot_; }

  engine::EngineOptions Options() const {
    engine::EngineOptions options;
    options.lake_root = lake_root_;
    options.temp_root = temp_root_;
    return options;
  }

 private:
  TestLake() : dir_("weir-engine-test") {
    lake_root_ = dir_.path() + "/lake";
    temp_root_ = dir_.path() + "/tmp";
  }

  bool WriteFiles() {
    namespace fs = std::filesystem;
    for (const char* d : {"sales/orders", "sales/customers", "sales/events", "sales/notes", "hr/salaries"}) {
      fs::create_directories(lake_root_ + "/" + d);
    }
    duckdb::DuckDB db(nullptr);
    duckdb::Connection con(db);
    const std::string& L = lake_root_;
    const std::string orders =
        "SELECT i::BIGINT AS id, 'c' || (i % 4) AS customer, 'ssn-' || i AS ssn, i * 10.0::DOUBLE AS amount, "
        "CASE WHEN i % 2 = 0 THEN 'east' ELSE 'west' END AS region FROM range(1, 21) t(i) ";
    std::vector<std::string> statements = {
        "COPY (" + orders + "WHERE i <= 10) TO '" + L + "/sales/orders/part-0.parquet' (FORMAT parquet)",
        "COPY (" + orders + "WHERE i > 10) TO '" + L + "/sales/orders/part-1.parquet' (FORMAT parquet)",
        "COPY (SELECT * FROM (VALUES ('c0', 'gold'), ('c1', 'silver'), ('c2', 'bronze'), ('c3', 'gold')) "
        "v(customer, tier)) TO '" +
            L + "/sales/customers/data.parquet' (FORMAT parquet)",
        "COPY (SELECT i::BIGINT AS id, (i % 7)::BIGINT AS bucket FROM range(100000) t(i)) TO '" + L +
            "/sales/events/data.parquet' (FORMAT parquet)",
        "COPY (SELECT i::BIGINT AS user_id, DATE '2024-01-01' + (i % 3)::INTEGER AS day FROM range(30) t(i)) TO '" + L +
            "/sales/visits' (FORMAT parquet, PARTITION_BY (day))",
        "COPY (SELECT i::BIGINT AS id, 'note ' || i AS note FROM range(5) t(i)) TO '" + L +
            "/sales/notes/data.csv' (FORMAT csv, HEADER)",
        "COPY (SELECT * FROM (VALUES ('ann', 100000), ('bob', 90000)) v(name, salary)) TO '" + L +
            "/hr/salaries/data.parquet' (FORMAT parquet)",
    };
    for (const auto& sql : statements) {
      auto result = con.Query(sql);
      if (result->HasError()) {
        ADD_FAILURE() << "writing the test lake: " << result->GetError() << "\n" << sql;
        return false;
      }
    }
    return true;
  }

  static catalog::Table MakeTable(const std::string& database, const std::string& name, catalog::TableFormat format,
                                  std::vector<catalog::Column> columns) {
    catalog::Table table;
    table.database = database;
    table.name = name;
    table.location = database + "/" + name;
    table.format = format;
    table.columns = std::move(columns);
    return table;
  }

  static access::Grant MakeGrant(int64_t id, const std::string& role, const std::string& database,
                                 const std::string& table, access::ColumnScope scope,
                                 std::vector<std::string> columns = {}) {
    access::Grant grant;
    grant.id = id;
    grant.role = role;
    grant.database = database;
    grant.table = table;
    grant.scope = scope;
    grant.columns = std::move(columns);
    return grant;
  }

  void BuildState() {
    using access::ColumnScope;
    using catalog::TableFormat;
    state_.version = 1;
    state_.roles = {{"analyst", ""}, {"auditor", ""}, {"hr_admin", ""}, {"nobody", ""}, {"stale", ""}};
    state_.databases = {{"hr", ""}, {"sales", ""}};
    state_.tables = {
        MakeTable("hr", "salaries", TableFormat::kParquet, {{"name", "VARCHAR"}, {"salary", "INTEGER"}}),
        MakeTable("sales", "customers", TableFormat::kParquet, {{"customer", "VARCHAR"}, {"tier", "VARCHAR"}}),
        MakeTable("sales", "events", TableFormat::kParquet, {{"id", "BIGINT"}, {"bucket", "BIGINT"}}),
        MakeTable("sales", "notes", TableFormat::kCsv, {{"id", "BIGINT"}, {"note", "VARCHAR"}}),
        MakeTable("sales", "orders", TableFormat::kParquet,
                  {{"id", "BIGINT"},
                   {"customer", "VARCHAR"},
                   {"ssn", "VARCHAR"},
                   {"amount", "DOUBLE"},
                   {"region", "VARCHAR"}}),
        MakeTable("sales", "visits", TableFormat::kParquet, {{"user_id", "BIGINT"}, {"day", "DATE", true}}),
    };
    state_.grants = {
        MakeGrant(1, "analyst", "sales", "orders", ColumnScope::kExclude, {"ssn"}),
        MakeGrant(2, "analyst", "sales", "customers", ColumnScope::kAll),
        MakeGrant(3, "analyst", "sales", "events", ColumnScope::kAll),
        MakeGrant(4, "analyst", "sales", "visits", ColumnScope::kAll),
        MakeGrant(5, "analyst", "sales", "notes", ColumnScope::kAll),
        MakeGrant(6, "auditor", "sales", "orders", ColumnScope::kInclude, {"amount", "id"}),
        MakeGrant(7, "auditor", "sales", "orders", ColumnScope::kExclude, {"amount", "customer", "ssn"}),
        MakeGrant(8, "hr_admin", "hr", "salaries", ColumnScope::kAll),
        MakeGrant(9, "stale", "hr", "salaries", ColumnScope::kInclude, {"gone"}),
    };
    snapshot_ = std::make_shared<const access::Snapshot>(state_);
  }

  TempDir dir_;
  std::string lake_root_;
  std::string temp_root_;
  store::MetadataState state_;
  std::shared_ptr<const access::Snapshot> snapshot_;
};

}  // namespace weir::testing
