#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace weir::datagen {

// Sample data in the TPC-DS schema: the tables Lake Formation's TPC walkthrough
// uses (customer, customer_address, web_sales, item) plus date_dim,
// store_sales, store and promotion, with the specification's column names and
// types. Identifiers are BIGINT, integers INTEGER, money DECIMAL(7,2), dates
// DATE and strings VARCHAR.
//
// Values are a pure function of (scale, table, row number, column): each
// pseudo-random choice is DuckDB's hash() of the row number and a per-column
// salt, so the same scale always yields the same rows. Foreign keys stay
// within the generated tables (web_sales.ws_item_sk → item.i_item_sk,
// ws_bill_customer_sk → customer, ws_sold_date_sk → date_dim,
// customer.c_current_addr_sk → customer_address, ...). Keys that point at
// TPC-DS tables not generated here (customer_demographics, time_dim,
// web_site, ...) stay within the range the specification gives them.
//
// Known limitations: no slowly changing dimension history (every item and
// store has one current record), no NULLs in foreign keys, a fixed number of
// lines per order or ticket, and the value distributions are plausible rather
// than the specification's exact ones (it is not a TPC-DS benchmark kit).

// The largest scale accepted (any scale above 0 is, down to each table's
// minimum row count).
inline constexpr double kMaxScale = 1000;

// Tables are split into files of at most this many rows (by default):
// DIR/<table>/part-0.parquet, part-1.parquet, ...
inline constexpr int64_t kRowsPerPart = 10'000'000;

struct DatagenOptions {
  // > 0 and ≤ kMaxScale; 1 ≈ the specification's scale factor 1.
  double scale = 1;
  // The output directory; created if missing. Each table is written to
  // <out_dir>/<table>/, replacing what was there.
  std::string out_dir;
  // Tables to write (names from TableNames()); empty = all of them.
  std::vector<std::string> tables;
  // DuckDB worker threads; 0 = one per core.
  int threads = 0;
  // Rows per Parquet file; > 0. The values written do not depend on it.
  int64_t rows_per_part = kRowsPerPart;
};

// One table written.
struct TableProgress {
  std::string table;
  int64_t rows = 0;
  int parts = 0;
  double seconds = 0;
};

// Called on the generating thread after each table is complete.
using ProgressCallback = std::function<void(const TableProgress&)>;

// The tables Generate can write, in the order it writes them.
const std::vector<std::string>& TableNames();

// Rows `table` gets at `scale`: the specification's scale-1 count times the
// scale, never below a per-table minimum (date_dim is a fixed calendar,
// 1900-01-02 to 2100-01-01, at every scale). InvalidArgument for an unknown
// table.
Result<int64_t> RowCount(std::string_view table, double scale);

// Checks scale, table names, threads and rows_per_part (not the file
// system).
// InvalidArgument naming the problem.
Status ValidateOptions(const DatagenOptions& options);

// Writes every requested table as Parquet, using its own in-memory DuckDB
// (all cores unless options.threads says otherwise). Returns InvalidArgument
// for bad options, IoError when the output directory cannot be created or
// written. A table's folder is replaced only once its new files are complete
// (they are written to <out_dir>/.<table>.partial first). `progress` may be
// empty. Not safe to run twice concurrently on the same out_dir.
Status Generate(const DatagenOptions& options, const ProgressCallback& progress);

// A tiny lake for trying things out (and for tests): OUT/customers (200
// rows: customer_id, full_name, email, phone, region, signup_date — e-mail
// and phone being the personal columns) and OUT/orders (2,000 rows:
// order_id, customer_id, amount, region; Hive-partitioned by region).
// Replaces both folders; the same values every time. kIoError when the
// directory cannot be written.
Status GenerateShop(const std::string& out_dir);

}  // namespace weir::datagen
