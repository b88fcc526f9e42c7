#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/output.h"
#include "datagen/datagen.h"

namespace weir::cli {

namespace {

constexpr const char* kDatagenHelp =
    "Each table is written to OUT/<table>/part-0.parquet (more parts past 10,000,000 rows), ready for\n"
    "`weir table register DB.TABLE --location ...`.\n"
    "\n"
    "Tables and their rows at --scale 1 (the TPC-DS specification's scale factor 1):\n"
    "  date_dim           73,049  a calendar, 1900-01-02 .. 2100-01-01 (the same at every scale)\n"
    "  item               18,000  products; i_category is one of Books, Children, Electronics, Home,\n"
    "                             Jewelry, Men, Music, Shoes, Sports, Women\n"
    "  customer_address   50,000\n"
    "  customer          100,000  names, e-mail addresses, logins, birth dates and countries\n"
    "  store                  12\n"
    "  promotion             300\n"
    "  web_sales         720,000  → item, customer, customer_address, date_dim, promotion\n"
    "  store_sales     2,880,000  → item, customer, customer_address, date_dim, store, promotion\n"
    "\n"
    "Columns have the specification's names and types (identifiers BIGINT, money DECIMAL(7,2), dates\n"
    "DATE, text VARCHAR). --scale multiplies the row counts (fractions allowed, e.g. 0.01; each table\n"
    "keeps a small minimum; at most 1000). The same scale always writes the same values. Existing table\n"
    "folders under OUT are replaced. Generation uses every core; progress goes to stderr.";

std::string WithCommas(int64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  int count = 0;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (count > 0 && count % 3 == 0 && *it != '-') out.insert(out.begin(), ',');
    out.insert(out.begin(), *it);
    count++;
  }
  return out;
}

int RunDatagen(const datagen::DatagenOptions& options) {
  Status valid = datagen::ValidateOptions(options);
  if (!valid.ok()) {
    PrintError(valid);
    return 2;
  }
  auto started = std::chrono::steady_clock::now();
  int64_t total_rows = 0;
  int tables = 0;
  Status status = datagen::Generate(options, [&](const datagen::TableProgress& done) {
    total_rows += done.rows;
    tables++;
    fmt::print(stderr, "{:<17} {:>13} rows  {:>2} part{}  {:>7.1f} s\n", done.table, WithCommas(done.rows), done.parts,
               done.parts == 1 ? " " : "s", done.seconds);
  });
  if (!status.ok()) {
    PrintError(status);
    return 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print(stderr, "{} table{}, {} rows in {:.1f} s ({} rows/s) written to {}\n", tables, tables == 1 ? "" : "s",
             WithCommas(total_rows), seconds,
             WithCommas(seconds > 0 ? static_cast<int64_t>(static_cast<double>(total_rows) / seconds) : total_rows),
             options.out_dir);
  return 0;
}

}  // namespace

void AddDatagenCommand(CLI::App& app) {
  static datagen::DatagenOptions options;
  static std::string dataset = "tpcds";
  auto* command =
      app.add_subcommand("datagen", "Write deterministic TPC-DS-schema sample data as Parquet, one folder per table");
  command->footer(kDatagenHelp);
  command->add_option("--scale", options.scale, "Scale factor: 1 ≈ TPC-DS scale 1; fractions allowed (default 1)");
  command->add_option("--out", options.out_dir, "Output directory, e.g. DATA_DIR/lake/tpc")->required();
  command->add_option("--tables", options.tables, "Only these tables (comma-separated; default: all)")->delimiter(',');
  command->add_option("--threads", options.threads, "Worker threads (default 0: one per core)");
  command
      ->add_option("--dataset", dataset,
                   "tpcds, or shop: a tiny lake of OUT/customers (with e-mail and phone) and OUT/orders "
                   "(Hive-partitioned by region) for trying things out")
      ->check(CLI::IsMember({"tpcds", "shop"}))
      ->capture_default_str();
  command->callback([] {
    if (dataset == "shop") {
      Status status = datagen::GenerateShop(options.out_dir);
      if (!status.ok()) PrintError(status);
      std::exit(status.ok() ? 0 : 1);
    }
    std::exit(RunDatagen(options));
  });
}

}  // namespace weir::cli
