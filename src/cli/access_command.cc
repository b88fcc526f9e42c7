// `weir access explain` and `weir access list`: what a role can read, and
// which grants make it so (Lake Formation issue item 7).

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <utility>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/verb.h"
#include "common/status.h"

namespace weir::cli {

// Registers `weir access explain` and `weir access list` on `app`. The
// callbacks exit the process: 0 on success, 1 on an error (printed on
// stderr: a missing role, table or column, a table or column the role cannot
// read, a malformed name, a locked data directory), 2 on bad usage.
void AddAccessCommands(CLI::App& app, GlobalOptions& options);

namespace {

constexpr const char* kAccessHelp =
    "Explain what a role can read and which grants make it so, evaluated exactly as `weir sql --as-role` "
    "enforces them";

constexpr const char* kExplainHelp = "Show what a role can read of one table, and which grants make it so";

constexpr const char* kExplainFooter =
    "Prints the rows that exist for ROLE (the row predicate: the OR of its grants' row filters, or \"all rows\"\n"
    "when any grant covers every row), each column it can see with its type, the condition under which its\n"
    "cells show their value (\"always\", or SQL: elsewhere they read as NULL) and the grants that include it,\n"
    "the columns it cannot see, and every grant it holds on the table. With --column, only that column.\n"
    "\n"
    "--json prints one JSON document instead:\n"
    "  {\"role\", \"table\", \"row_predicate\", \"rows_granted_by\": [grant, ...],\n"
    "   \"columns\": [{\"name\", \"type\", \"visible\": true, \"cell_condition\", \"granted_by\": [grant, ...]} or\n"
    "               {\"name\", \"visible\": false}, ...],\n"
    "   \"grants\": [grant, ...]}\n"
    "  grant: {\"grant_id\", \"kind\": \"table\"|\"data_cells_filter\", \"filter\" (filters only),\n"
    "          \"columns\": \"all\"|\"include [a, b]\"|\"exclude [a, b]\", \"row_filter\": SQL or \"all rows\"}\n"
    "  with --column: {\"role\", \"table\", \"row_predicate\", \"column\": {...}}\n"
    "\n"
    "Exit status: 0 when ROLE can read the table (and the column); 1 when the role, table or column does not\n"
    "exist or ROLE cannot read it; 2 on bad usage.";

constexpr const char* kListHelp = "List the tables a role can read, with its rows and columns on each";

constexpr const char* kListFooter =
    "Prints one line per table ROLE can read, sorted: how many of its columns ROLE sees, the row predicate, and\n"
    "the columns whose cells show their value only in some rows; then every grant ROLE holds (catalog, database,\n"
    "all tables, table, columns, filter) with its permissions and grantable permissions. --json prints\n"
    "{\"role\", \"tables\": [...], \"grants\": [...]}, each table as `weir access explain --json` prints it.\n"
    "\n"
    "Exit status: 0 (also when ROLE can read nothing); 1 when ROLE does not exist; 2 on bad usage.";

struct AccessArgs {
  std::string role;
  std::string table;
  std::string column;
  bool json = false;
};

// Catalog names are lower-case identifiers; SQL finds them case-insensitively, so does this.
std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// "db.table" → (db, table), lower-cased; exits on a malformed name.
std::pair<std::string, std::string> SplitTable(const std::string& name) {
  auto dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size() || name.find('.', dot + 1) != std::string::npos) {
    Finish(Status::InvalidArgument("expected DATABASE.TABLE, got '" + name + "'"));
  }
  return {Lower(name.substr(0, dot)), Lower(name.substr(dot + 1))};
}

void Print(const Json& view) {
  Json out = view;
  out.erase("text");
  std::cout << out.dump(2) << "\n";
}

void RunExplain(const GlobalOptions& options, const AccessArgs& args) {
  auto [database, table] = SplitTable(args.table);
  ApiRequest request{"GET", ApiPath({"access", "explain"},
                                    {{"role", args.role}, {"table", database + "." + table}, {"column", args.column}})};
  RunVerb(options, request, [&args](const Json& view) {
    if (view.contains("column") && !view["column"]["visible"].get<bool>()) {
      return Status::PermissionDenied("column " + view["column"]["name"].get<std::string>() + " of " +
                                      view["table"].get<std::string>() + " is not readable by role " + args.role +
                                      ": none of its grants on the table includes it");
    }
    if (args.json) {
      Print(view);
    } else {
      std::cout << view["text"].get<std::string>();
    }
    return Status::Ok();
  });
}

void RunList(const GlobalOptions& options, const AccessArgs& args) {
  RunVerb(options, {"GET", ApiPath({"access", "list"}, {{"role", args.role}})}, [&args](const Json& view) {
    if (args.json) {
      Print(view);
    } else {
      std::cout << view["text"].get<std::string>();
    }
    return Status::Ok();
  });
}

}  // namespace

void AddAccessCommands(CLI::App& app, GlobalOptions& options) {
  static AccessArgs args;
  auto* access = app.add_subcommand("access", kAccessHelp)->require_subcommand(1);

  auto* explain = access->add_subcommand("explain", kExplainHelp);
  explain->footer(kExplainFooter);
  explain->add_option("--role", args.role, "Role whose access to explain")->required();
  explain->add_option("--table", args.table, "DATABASE.TABLE")->required();
  explain->add_option("--column", args.column, "Explain only this column (exit 1 when the role cannot read it)");
  explain->add_flag("--json", args.json, "Print JSON instead of text");
  AddDataDirOptions(explain, options);
  explain->callback([&options] { RunExplain(options, args); });

  auto* list = access->add_subcommand("list", kListHelp);
  list->footer(kListFooter);
  list->add_option("--role", args.role, "Role whose readable tables to list")->required();
  list->add_flag("--json", args.json, "Print JSON instead of text");
  AddDataDirOptions(list, options);
  list->callback([&options] { RunList(options, args); });
}

}  // namespace weir::cli
