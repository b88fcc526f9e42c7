// `weir tag`: LF-Tag keys and values, their assignment to databases, tables
// and columns, and the effective tags of a resource. Grants by tag
// expression are `weir grant --tag-expression` (admin_commands.cc).

#include <cstdlib>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/verb.h"

namespace weir::cli {

namespace {

struct TagArgs {
  std::string key;
  std::string values;
  std::string add;
  std::string remove;
  std::string database;
  std::string table;
  std::string column;
  std::vector<std::string> tags;  // KEY=VALUE (assign) or KEY (unassign)
  bool json = false;
};

void AddResourceOptions(CLI::App* command, TagArgs& args) {
  command->add_option("--database", args.database, "The database (alone: the database itself)")->required();
  auto* table = command->add_option("--table", args.table, "A table of the database");
  command->add_option("--column", args.column, "A column of the table")->needs(table);
}

// The resource fields of a tag assignment request.
Json ResourceOf(const TagArgs& args) {
  return {{"database", args.database}, {"table", args.table}, {"column", args.column}};
}

void PrintTags(const std::string& heading, const Json& tags) {
  std::cout << heading << "\n";
  if (tags.empty()) std::cout << "  (no tags)\n";
  for (const auto& t : tags) {
    std::cout << "  " << t["key"].get<std::string>() << "=" << t["value"].get<std::string>() << "   from "
              << t["source"].get<std::string>() << "\n";
  }
}

void RunShow(const GlobalOptions& options, const TagArgs& args) {
  ApiRequest request{"GET", ApiPath({"resource-tags"}, {{"database", args.database}, {"table", args.table}})};
  RunVerb(options, request, [&args](const Json& view) {
    if (args.json) {
      std::cout << view.dump(2) << "\n";
    } else if (!view.contains("table")) {
      PrintTags("database " + view["database"].get<std::string>(), view["tags"]);
    } else {
      PrintTags("table " + view["table"].get<std::string>(), view["tags"]);
      for (const auto& c : view["columns"]) PrintTags("column " + c["name"].get<std::string>(), c["tags"]);
    }
    return Status::Ok();
  });
}

void RunList(const GlobalOptions& options, const TagArgs& args) {
  RunVerb(options, {"GET", ApiPath({"tags"})}, [&args](const Json& view) {
    if (args.json) {
      std::cout << view["tags"].dump(2) << "\n";
      return Status::Ok();
    }
    for (const auto& t : view["tags"]) {
      std::cout << t["key"].get<std::string>() << "\t";
      for (size_t i = 0; i < t["values"].size(); i++) std::cout << (i ? "," : "") << t["values"][i].get<std::string>();
      std::cout << "\n";
    }
    return Status::Ok();
  });
}

}  // namespace

void AddTagCommands(CLI::App& app, GlobalOptions& options) {
  static TagArgs args;
  auto* tag =
      app.add_subcommand("tag",
                         "LF-Tags: keys with allowed values, assigned to databases, tables and columns (inherited "
                         "downwards); grant by tag with `weir grant --tag-expression`")
          ->require_subcommand(1);
  tag->footer(
      "Keys and values are lower-cased. A table inherits its database's tags and a column its table's, unless it "
      "assigns the same key itself. See docs/lake-permissions.md, \"LF-Tags\".");

  auto* create = tag->add_subcommand("create", "Create a tag key with its allowed values");
  create->add_option("key", args.key, "Tag key (1-128 characters)")->required();
  create->add_option("--values", args.values, "Allowed values, comma-separated (1-256 characters each)")->required();
  AddDataDirOptions(create, options);
  create->callback([&options] {
    RunVerb(options, {"POST", ApiPath({"tags"}), {{"key", args.key}, {"values", SplitList(args.values)}}});
  });

  auto* update = tag->add_subcommand(
      "update", "Add or remove allowed values; a removed value's assignments and grants on it go with it");
  update->add_option("key", args.key, "Tag key")->required();
  update->add_option("--add-values", args.add, "Values to allow, comma-separated");
  update->add_option("--remove-values", args.remove, "Values to remove, comma-separated");
  AddDataDirOptions(update, options);
  update->callback([&options] {
    RunVerb(options,
            {"PATCH", ApiPath({"tags", args.key}), {{"add", SplitList(args.add)}, {"remove", SplitList(args.remove)}}});
  });

  auto* remove = tag->add_subcommand("delete", "Delete a tag key, its assignments and the grants naming it");
  remove->add_option("key", args.key, "Tag key")->required();
  AddDataDirOptions(remove, options);
  remove->callback([&options] { RunVerb(options, {"DELETE", ApiPath({"tags", args.key})}); });

  auto* list = tag->add_subcommand("list", "List tag keys and their values");
  list->add_flag("--json", args.json, "Print JSON: [{\"key\", \"values\"}]");
  AddDataDirOptions(list, options);
  list->callback([&options] { RunList(options, args); });

  auto* assign = tag->add_subcommand(
      "assign", "Assign KEY=VALUE tags to a database, a table or a column (replacing the resource's value of KEY)");
  AddResourceOptions(assign, args);
  assign->add_option("tags", args.tags, "KEY=VALUE ...")->required();
  AddDataDirOptions(assign, options);
  assign->callback([&options] {
    Json body = ResourceOf(args);
    body["tags"] = Json::array();  // a list, so a key given twice reaches the verb twice
    for (const auto& t : args.tags) {
      auto eq = t.find('=');
      if (eq == std::string::npos) Finish(Status::InvalidArgument("expected KEY=VALUE, got '" + t + "'"));
      body["tags"].push_back({{"key", t.substr(0, eq)}, {"value", t.substr(eq + 1)}});
    }
    RunVerb(options, {"POST", ApiPath({"tags", "assign"}), body});
  });

  auto* unassign = tag->add_subcommand("unassign", "Remove a resource's own tags (inherited ones stay)");
  AddResourceOptions(unassign, args);
  unassign->add_option("keys", args.tags, "KEY ...")->required();
  AddDataDirOptions(unassign, options);
  unassign->callback([&options] {
    Json body = ResourceOf(args);
    body["keys"] = args.tags;
    RunVerb(options, {"POST", ApiPath({"tags", "unassign"}), body});
  });

  auto* show = tag->add_subcommand(
      "show",
      "Show the tags in effect on a database, or on a table and each of its columns, and where each comes from");
  show->add_option("--database", args.database, "The database")->required();
  show->add_option("--table", args.table, "A table of the database");
  show->add_flag("--json", args.json,
                 "Print JSON: {\"table\", \"tags\": [{\"key\", \"value\", \"source\"}], \"columns\": [{\"name\", "
                 "\"tags\"}]}");
  AddDataDirOptions(show, options);
  show->callback([&options] { RunShow(options, args); });
}

}  // namespace weir::cli
