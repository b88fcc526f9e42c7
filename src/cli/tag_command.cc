// `weir tag`: LF-Tag keys and values, their assignment to databases, tables
// and columns, and the effective tags of a resource. Grants by tag
// expression are `weir grant --tag-expression` (admin_commands.cc).

#include <cstdlib>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "access/lf_tag.h"
#include "access/snapshot.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "cli/caller.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/output.h"

namespace weir::cli {

namespace {

// Runs `verb` with the command's caller on the data directory, then exits.
template <typename F>
[[noreturn]] void RunVerb(const GlobalOptions& options, F verb) {
  auto dir = admin::DataDir::Open(options.data_dir);
  if (!dir.ok()) Finish(dir.status());
  Status status = [&]() -> Status {
    WEIR_ASSIGN_OR_RETURN(admin::Caller caller, ActingCaller(options, **dir));
    admin::Admin admin(dir->get(), std::move(caller));
    return verb(admin);
  }();
  dir.value().reset();  // flushes the audit log
  Finish(status);
}

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

void AddDataDirOption(CLI::App* command, GlobalOptions& options) {
  command->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  AddUserOption(command, options);
}

void AddResourceOptions(CLI::App* command, TagArgs& args) {
  command->add_option("--database", args.database, "The database (alone: the database itself)")->required();
  auto* table = command->add_option("--table", args.table, "A table of the database");
  command->add_option("--column", args.column, "A column of the table")->needs(table);
}

access::TagResource ResourceOf(const TagArgs& args) { return {args.database, args.table, args.column}; }

void PrintTags(const std::string& heading, const std::vector<access::EffectiveTag>& tags) {
  std::cout << heading << "\n";
  if (tags.empty()) std::cout << "  (no tags)\n";
  for (const auto& t : tags) {
    std::cout << "  " << t.key << "=" << t.value << "   from " << access::TagLevelName(t.source) << "\n";
  }
}

nlohmann::ordered_json TagsToJson(const std::vector<access::EffectiveTag>& tags) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& t : tags)
    out.push_back({{"key", t.key}, {"value", t.value}, {"source", access::TagLevelName(t.source)}});
  return out;
}

void RunShow(const GlobalOptions& options, const TagArgs& args) {
  auto snapshot = SnapshotOrDie(options, {admin::Operation::kGetResourceLfTags, args.database, args.table});
  if (!snapshot->HasDatabase(args.database)) Finish(Status::NotFound("database " + args.database + " does not exist"));
  if (args.table.empty()) {
    auto tags = snapshot->DatabaseTags(args.database);
    if (args.json) {
      nlohmann::ordered_json out;
      out["database"] = args.database;
      out["tags"] = TagsToJson(tags);
      std::cout << out.dump(2) << "\n";
    } else {
      PrintTags("database " + args.database, tags);
    }
    Finish(Status::Ok());
  }
  const catalog::Table* table = snapshot->FindTable(args.database, args.table);
  if (table == nullptr) Finish(Status::NotFound("table " + args.database + "." + args.table + " does not exist"));
  if (args.json) {
    nlohmann::ordered_json out;
    out["table"] = table->QualifiedName();
    out["tags"] = TagsToJson(snapshot->TableTags(args.database, args.table));
    out["columns"] = nlohmann::ordered_json::array();
    for (const auto& c : table->columns) {
      out["columns"].push_back(
          {{"name", c.name}, {"tags", TagsToJson(snapshot->ColumnTags(args.database, args.table, c.name))}});
    }
    std::cout << out.dump(2) << "\n";
  } else {
    PrintTags("table " + table->QualifiedName(), snapshot->TableTags(args.database, args.table));
    for (const auto& c : table->columns) {
      PrintTags("column " + c.name, snapshot->ColumnTags(args.database, args.table, c.name));
    }
  }
  Finish(Status::Ok());
}

void RunList(const GlobalOptions& options, const TagArgs& args) {
  auto snapshot = SnapshotOrDie(options, {admin::Operation::kListLfTags});
  if (args.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& t : snapshot->lf_tags()) out.push_back({{"key", t.key}, {"values", t.values}});
    std::cout << out.dump(2) << "\n";
  } else {
    for (const auto& t : snapshot->lf_tags()) {
      std::cout << t.key << "\t";
      for (size_t i = 0; i < t.values.size(); i++) std::cout << (i ? "," : "") << t.values[i];
      std::cout << "\n";
    }
  }
  Finish(Status::Ok());
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
  AddDataDirOption(create, options);
  create->callback([&options] {
    RunVerb(options, [](admin::Admin& a) { return a.CreateLfTag(args.key, SplitList(args.values)); });
  });

  auto* update = tag->add_subcommand(
      "update", "Add or remove allowed values; a removed value's assignments and grants on it go with it");
  update->add_option("key", args.key, "Tag key")->required();
  update->add_option("--add-values", args.add, "Values to allow, comma-separated");
  update->add_option("--remove-values", args.remove, "Values to remove, comma-separated");
  AddDataDirOption(update, options);
  update->callback([&options] {
    RunVerb(options,
            [](admin::Admin& a) { return a.UpdateLfTag(args.key, SplitList(args.add), SplitList(args.remove)); });
  });

  auto* remove = tag->add_subcommand("delete", "Delete a tag key, its assignments and the grants naming it");
  remove->add_option("key", args.key, "Tag key")->required();
  AddDataDirOption(remove, options);
  remove->callback([&options] { RunVerb(options, [](admin::Admin& a) { return a.DeleteLfTag(args.key); }); });

  auto* list = tag->add_subcommand("list", "List tag keys and their values");
  list->add_flag("--json", args.json, "Print JSON: [{\"key\", \"values\"}]");
  AddDataDirOption(list, options);
  list->callback([&options] { RunList(options, args); });

  auto* assign = tag->add_subcommand(
      "assign", "Assign KEY=VALUE tags to a database, a table or a column (replacing the resource's value of KEY)");
  AddResourceOptions(assign, args);
  assign->add_option("tags", args.tags, "KEY=VALUE ...")->required();
  AddDataDirOption(assign, options);
  assign->callback([&options] {
    std::vector<std::pair<std::string, std::string>> tags;
    for (const auto& t : args.tags) {
      auto eq = t.find('=');
      if (eq == std::string::npos) Finish(Status::InvalidArgument("expected KEY=VALUE, got '" + t + "'"));
      tags.emplace_back(t.substr(0, eq), t.substr(eq + 1));
    }
    RunVerb(options, [&](admin::Admin& a) { return a.AddLfTagsToResource(ResourceOf(args), tags); });
  });

  auto* unassign = tag->add_subcommand("unassign", "Remove a resource's own tags (inherited ones stay)");
  AddResourceOptions(unassign, args);
  unassign->add_option("keys", args.tags, "KEY ...")->required();
  AddDataDirOption(unassign, options);
  unassign->callback([&options] {
    RunVerb(options, [](admin::Admin& a) { return a.RemoveLfTagsFromResource(ResourceOf(args), args.tags); });
  });

  auto* show = tag->add_subcommand(
      "show",
      "Show the tags in effect on a database, or on a table and each of its columns, and where each comes from");
  show->add_option("--database", args.database, "The database")->required();
  show->add_option("--table", args.table, "A table of the database");
  show->add_flag("--json", args.json,
                 "Print JSON: {\"table\", \"tags\": [{\"key\", \"value\", \"source\"}], \"columns\": [{\"name\", "
                 "\"tags\"}]}");
  AddDataDirOption(show, options);
  show->callback([&options] { RunShow(options, args); });
}

}  // namespace weir::cli
