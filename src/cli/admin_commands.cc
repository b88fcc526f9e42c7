#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>
#include <tuple>

#include <CLI/CLI.hpp>

#include "access/grant.h"
#include "access/lf_tag.h"
#include "admin/admin.h"
#include "admin/data_dir.h"
#include "cli/command_support.h"
#include "cli/commands.h"
#include "cli/output.h"
#include "cli/verb.h"
#include "common/files.h"
#include "iam/scram.h"
#include "stack/plan.h"

namespace weir::cli {

namespace {

// Closes the data directory (flushing its audit log) before exiting.
[[noreturn]] void Done(std::unique_ptr<admin::DataDir>& dir, const Status& status) {
  dir.reset();
  Finish(status);
}

std::unique_ptr<admin::DataDir> OpenOrDie(const GlobalOptions& options) {
  auto dir = admin::DataDir::Open(options.data_dir);
  if (!dir.ok()) Finish(dir.status());
  return std::move(dir).value();
}

// "db.table" → (db, table); exits on a malformed name.
std::pair<std::string, std::string> SplitTable(const std::string& name) {
  auto dot = name.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == name.size() || name.find('.', dot + 1) != std::string::npos) {
    Finish(Status::InvalidArgument("expected DATABASE.TABLE, got '" + name + "'"));
  }
  return {name.substr(0, dot), name.substr(dot + 1)};
}

// The --columns / --exclude-columns list as the API takes it: "all",
// {"include": [...]} or {"exclude": [...]}.
Json ColumnsJson(access::ColumnScope scope, const std::vector<std::string>& columns) {
  if (scope == access::ColumnScope::kAll) return "all";
  return {{scope == access::ColumnScope::kInclude ? "include" : "exclude", columns}};
}

// Prints one name a line from the answer's list `key`.
Printer Lines(const char* key) {
  return [key](const Json& answer) {
    for (const auto& item : answer[key]) std::cout << item.get<std::string>() << "\n";
    return Status::Ok();
  };
}

struct GrantArgs {
  std::string role;
  std::string table;
  std::string database;
  bool catalog = false;
  bool all_tables = false;
  std::string permissions;
  std::string grantable;
  std::string columns;
  std::string exclude;
  std::string filter;
  std::string row_filter;
  std::string tag_expression;
  std::string tag_resource = "table";
  std::string tag;
};

void AddColumnOptions(CLI::App* command, GrantArgs& args) {
  auto* include = command->add_option("--columns", args.columns, "Only these columns (comma-separated)");
  command->add_option("--exclude-columns", args.exclude, "All columns but these (comma-separated)")->excludes(include);
}

void AddGrantOptions(CLI::App* command, GrantArgs& args) {
  command->add_option("--role", args.role, "Role receiving the permission")->required();
  auto* table = command->add_option("--table", args.table, "On DATABASE.TABLE");
  auto* database =
      command->add_option("--database", args.database, "On a database (or, with --all-tables, on all its tables)");
  auto* catalog = command->add_flag("--catalog", args.catalog, "On the catalog (CREATE_DATABASE)");
  auto* expression = command->add_option(
      "--tag-expression", args.tag_expression,
      "On every table (or database, with --tag-resource database) whose LF-Tags match 'key=v1,v2;key2=v3': AND "
      "across keys, OR within a key's values; tagged later ones too");
  command->add_option("--tag-resource", args.tag_resource, "With --tag-expression: table (default) or database")
      ->check(CLI::IsMember({"table", "database"}))
      ->needs(expression);
  auto* tag = command->add_option("--tag", args.tag,
                                  "On the LF-Tag KEY (all its values) or KEY=v1,v2 (ASSOCIATE, DESCRIBE, ALTER, DROP)");
  table->excludes(database)->excludes(catalog)->excludes(expression)->excludes(tag);
  database->excludes(catalog)->excludes(expression)->excludes(tag);
  catalog->excludes(expression)->excludes(tag);
  expression->excludes(tag);
  command
      ->add_flag("--all-tables", args.all_tables,
                 "With --database: on every table of the database, including tables created later")
      ->needs(database);
  command->add_option("--permissions", args.permissions,
                      "Comma-separated: ALL, SELECT, INSERT, DELETE, DESCRIBE, ALTER, DROP, CREATE_DATABASE, "
                      "CREATE_TABLE; on an LF-Tag also ASSOCIATE, GRANT_WITH_LF_TAG_EXPRESSION (default: SELECT)");
  command->add_option("--grantable", args.grantable,
                      "Comma-separated permissions the role may grant on (with grant option)");
  AddColumnOptions(command, args);
  command->add_option("--filter", args.filter,
                      "Through this data cells filter of the table (rows and columns come from the filter)");
}

access::ColumnScope ScopeOf(const GrantArgs& args, std::vector<std::string>* columns) {
  if (!args.columns.empty()) {
    *columns = SplitList(args.columns);
    return access::ColumnScope::kInclude;
  }
  if (!args.exclude.empty()) {
    *columns = SplitList(args.exclude);
    return access::ColumnScope::kExclude;
  }
  return access::ColumnScope::kAll;
}

// The request --table / --database [--all-tables] / --catalog describe;
// exits on a usage error. On revoke, --grantable alone revokes only the
// grant option.
access::Grant RequestOf(const GrantArgs& args, bool revoke) {
  access::Grant g;
  g.role = args.role;
  int targets =
      !args.table.empty() + !args.database.empty() + args.catalog + !args.tag_expression.empty() + !args.tag.empty();
  if (targets != 1) {
    Finish(Status::InvalidArgument("give one of --table, --database, --catalog, --tag-expression or --tag"));
  }
  bool has_columns = !args.columns.empty() || !args.exclude.empty() || !args.filter.empty();
  if (!args.tag_expression.empty() || !args.tag.empty()) {
    if (has_columns || args.all_tables) {
      Finish(Status::InvalidArgument(
          "--columns, --exclude-columns, --filter and --all-tables need --table or --database"));
    }
  }
  if (!args.tag_expression.empty()) {
    auto expression = access::ParseTagExpression(args.tag_expression);
    if (!expression.ok()) Finish(expression.status());
    g.expression = *expression;
    g.kind = args.tag_resource == "database" ? access::ResourceKind::kLfTagPolicyDatabase
                                             : access::ResourceKind::kLfTagPolicyTable;
  } else if (!args.tag.empty()) {
    auto eq = args.tag.find('=');
    access::TagCondition condition{args.tag.substr(0, eq), {}};
    if (eq != std::string::npos) condition.values = SplitList(args.tag.substr(eq + 1));
    if (eq != std::string::npos && condition.values.empty()) {
      Finish(Status::InvalidArgument("--tag " + args.tag + " lists no values; give KEY for all of them"));
    }
    g.expression = {condition};
    g.kind = access::ResourceKind::kLfTag;
  } else if (!args.table.empty()) {
    std::tie(g.database, g.table) = SplitTable(args.table);
    g.scope = ScopeOf(args, &g.columns);
    g.filter = args.filter;
  } else {
    if (has_columns) Finish(Status::InvalidArgument("--columns, --exclude-columns and --filter need --table"));
    if (args.catalog) {
      g.kind = access::ResourceKind::kCatalog;
    } else {
      g.database = args.database;
      g.kind = args.all_tables ? access::ResourceKind::kTableWildcard : access::ResourceKind::kDatabase;
    }
  }
  g.permissions = {};
  if (!args.permissions.empty()) {
    auto parsed = access::ParsePermissions(args.permissions);
    if (!parsed.ok()) Finish(parsed.status());
    g.permissions = *parsed;
  } else if (!revoke || args.grantable.empty()) {
    g.permissions = {access::Permission::kSelect};
  }
  if (!args.grantable.empty()) {
    auto parsed = access::ParsePermissions(args.grantable);
    if (!parsed.ok()) Finish(parsed.status());
    g.grantable = *parsed;
  }
  return g;
}

}  // namespace

void AddAdminCommands(CLI::App& app, GlobalOptions& options) {
  // init
  auto* init = app.add_subcommand("init", "Create a data directory: lake root D/lake, metadata D/weir.db");
  init->add_option("--data-dir", options.data_dir, "Data directory (default: $WEIR_DATA_DIR or ./weir-data)");
  static iam::Cluster cluster;
  init->add_option("--account", cluster.account, "Account id in ARNs (12 digits)")->capture_default_str();
  init->add_option("--region", cluster.region, "Region in the cluster ARN")->capture_default_str();
  init->add_option("--cluster-name", cluster.name, "Cluster name in its ARN")->capture_default_str();
  init->footer(
      "Creates the bootstrap administrator `admin`: its password is $WEIR_ADMIN_PASSWORD, or is generated into "
      "D/admin-password (mode 0600).");
  init->callback([&options] {
    Status status = admin::DataDir::Init(options.data_dir);
    if (!status.ok()) Finish(status);
    const char* env = std::getenv("WEIR_ADMIN_PASSWORD");
    std::string password = env != nullptr && *env != '\0' ? env : iam::GeneratePassword();
    auto dir = OpenOrDie(options);
    status = admin::Admin(dir.get(), admin::LocalActor()).Bootstrap(cluster, password);
    if (status.ok() && (env == nullptr || *env == '\0')) {
      status = WriteSecretFile(dir->path() + "/admin-password", password + "\n");
    }
    if (status.ok()) {
      std::cout << "initialized " << options.data_dir << " (lake root " << options.data_dir << "/lake)\n"
                << "cluster " << cluster.Arn() << "\n"
                << "administrator: admin"
                << (env == nullptr || *env == '\0' ? " (password in " + dir->path() + "/admin-password)" : "") << "\n";
    }
    Done(dir, status);
  });

  // role
  auto* role = app.add_subcommand("role", "Create, delete and list roles")->require_subcommand(1);
  static std::string role_name, description;
  auto* role_create = role->add_subcommand("create", "Create a role");
  role_create->add_option("name", role_name, "Role name")->required();
  role_create->add_option("--description", description, "Free text");
  AddDataDirOptions(role_create, options);
  role_create->callback([&options] {
    RunVerb(options, {"POST", ApiPath({"roles"}), {{"name", role_name}, {"description", description}}});
  });
  auto* role_delete = role->add_subcommand("delete", "Delete a role and its grants");
  role_delete->add_option("name", role_name, "Role name")->required();
  AddDataDirOptions(role_delete, options);
  role_delete->callback([&options] { RunVerb(options, {"DELETE", ApiPath({"roles", role_name})}); });
  auto* role_list = role->add_subcommand("list", "List roles");
  AddDataDirOptions(role_list, options);
  role_list->callback([&options] { RunVerb(options, {"GET", ApiPath({"roles"})}, Lines("roles")); });

  // database
  auto* database = app.add_subcommand("database", "Create and delete databases")->require_subcommand(1);
  static std::string database_name;
  auto* database_create = database->add_subcommand("create", "Create a database");
  database_create->add_option("name", database_name, "Database name")->required();
  database_create->add_option("--description", description, "Free text");
  AddDataDirOptions(database_create, options);
  database_create->callback([&options] {
    RunVerb(options, {"POST", ApiPath({"databases"}), {{"name", database_name}, {"description", description}}});
  });
  auto* database_delete = database->add_subcommand("delete", "Delete an empty database and the grants on it");
  database_delete->add_option("name", database_name, "Database name")->required();
  AddDataDirOptions(database_delete, options);
  database_delete->callback([&options] { RunVerb(options, {"DELETE", ApiPath({"databases", database_name})}); });

  // table
  auto* table = app.add_subcommand("table", "Register, describe, list and drop tables")->require_subcommand(1);
  static std::string table_name, location, format = "parquet";
  static bool create_database = false;
  auto* table_register = table->add_subcommand(
      "register",
      "Register DATABASE.TABLE over the Parquet or CSV files under a lake directory; the schema is read from the "
      "files and Hive-style key=value folders become partition columns");
  table_register->add_option("table", table_name, "DATABASE.TABLE")->required();
  table_register->add_option("--location", location, "Directory relative to the lake root (D/lake)")->required();
  table_register->add_option("--format", format, "parquet or csv")->check(CLI::IsMember({"parquet", "csv"}));
  table_register->add_flag("--create-database", create_database, "Create the database when it is missing");
  AddDataDirOptions(table_register, options);
  table_register->callback([&options] {
    auto [db, name] = SplitTable(table_name);
    Json body = {{"database", db},
                 {"name", name},
                 {"location", location},
                 {"format", format},
                 {"create_database", create_database}};
    RunVerb(options, {"POST", ApiPath({"tables"}), body}, [](const Json& answer) {
      std::cout << "registered " << answer["table"].get<std::string>() << " (" << answer["columns"] << " columns)\n";
      return Status::Ok();
    });
  });
  auto* table_list = table->add_subcommand("list", "List tables");
  AddDataDirOptions(table_list, options);
  table_list->callback([&options] {
    RunVerb(options, {"GET", ApiPath({"tables"})}, [](const Json& answer) {
      for (const auto& t : answer["tables"]) {
        std::cout << t["database"].get<std::string>() << "." << t["name"].get<std::string>() << "\t"
                  << t["format"].get<std::string>() << "\t" << t["location"].get<std::string>() << "\n";
      }
      return Status::Ok();
    });
  });
  auto* table_describe = table->add_subcommand("describe", "Show a table's columns");
  table_describe->add_option("table", table_name, "DATABASE.TABLE")->required();
  AddDataDirOptions(table_describe, options);
  table_describe->callback([&options] {
    auto [db, name] = SplitTable(table_name);
    RunVerb(options, {"GET", ApiPath({"tables", db, name})}, [](const Json& answer) {
      for (const auto& c : answer["columns"]) {
        std::cout << c["name"].get<std::string>() << "\t" << c["type"].get<std::string>()
                  << (c["partition"].get<bool>() ? "\tpartition" : "") << "\n";
      }
      return Status::Ok();
    });
  });
  auto* table_drop = table->add_subcommand("drop", "Unregister a table (its files stay) and drop its grants");
  table_drop->add_option("table", table_name, "DATABASE.TABLE")->required();
  AddDataDirOptions(table_drop, options);
  table_drop->callback([&options] {
    auto [db, name] = SplitTable(table_name);
    RunVerb(options, {"DELETE", ApiPath({"tables", db, name})});
  });

  // grant / revoke
  static GrantArgs grant_args;
  auto* grant = app.add_subcommand(
      "grant",
      "Grant Lake Formation permissions to a role on a table (all columns, only --columns, all but "
      "--exclude-columns, or through a --filter), a database, all tables of a database, the catalog, the "
      "tables or databases an LF-Tag expression matches, or an LF-Tag");
  grant->footer(
      "Examples:\n"
      "  weir grant --role R --table db.t                       SELECT on all columns\n"
      "  weir grant --role R --table db.t --permissions SELECT,DESCRIBE --grantable SELECT\n"
      "  weir grant --role R --database db --permissions CREATE_TABLE,DESCRIBE\n"
      "  weir grant --role R --database db --all-tables         SELECT on every table, also later ones\n"
      "  weir grant --role R --catalog --permissions CREATE_DATABASE\n"
      "  weir grant --role R --tag-expression 'domain=sales;tier=gold,silver'   SELECT on matching tables\n"
      "  weir grant --role R --tag-expression 'domain=sales' --tag-resource database --permissions CREATE_TABLE\n"
      "  weir grant --role R --tag domain=sales --permissions ASSOCIATE          may assign domain=sales\n"
      "Which permissions each resource takes: docs/lake-permissions.md.");
  AddGrantOptions(grant, grant_args);
  AddDataDirOptions(grant, options);
  grant->callback([&options] {
    access::Grant request = RequestOf(grant_args, false);
    RunVerb(options, {"POST", ApiPath({"grants"}), Json(stack::GrantToJson(request))});
  });
  auto* revoke = app.add_subcommand(
      "revoke",
      "Revoke permissions (default SELECT) from a role's grant on the same resource; on a whole --table, from "
      "every grant the role holds on the table. --grantable alone revokes only the grant option");
  AddGrantOptions(revoke, grant_args);
  AddDataDirOptions(revoke, options);
  revoke->callback([&options] {
    access::Grant request = RequestOf(grant_args, true);
    RunVerb(options, {"POST", ApiPath({"grants", "revoke"}), Json(stack::GrantToJson(request))});
  });

  // data lake administrators
  auto* lake_admin =
      app.add_subcommand("lake-admin",
                         "Data lake administrators: may grant anything and see every table, read nothing ungranted")
          ->require_subcommand(1);
  static std::string admin_principal;
  for (const char* verb : {"add", "remove"}) {
    bool add = std::string(verb) == "add";
    auto* command = lake_admin->add_subcommand(
        verb, add ? "Make a role or a user a data lake administrator" : "Remove a data lake administrator");
    command->add_option("principal", admin_principal, "role/NAME or user/NAME")->required();
    AddDataDirOptions(command, options);
    command->callback([&options, add] {
      RunVerb(options, add ? ApiRequest{"POST", ApiPath({"lake-admins"}), {{"principal", admin_principal}}}
                           : ApiRequest{"DELETE", ApiPath({"lake-admins", admin_principal})});
    });
  }
  auto* lake_admin_list =
      lake_admin->add_subcommand("list", "List data lake administrators, one role/NAME or user/NAME a line");
  AddDataDirOptions(lake_admin_list, options);
  lake_admin_list->callback([&options] { RunVerb(options, {"GET", ApiPath({"lake-admins"})}, Lines("lake_admins")); });

  // data cells filters
  auto* filter = app.add_subcommand("filter", "Create, delete and list data cells filters")->require_subcommand(1);
  static std::string filter_name;
  static GrantArgs filter_args;
  auto* filter_create = filter->add_subcommand(
      "create",
      "Create a data cells filter on a table: a row filter (Lake Formation's PartiQL subset: = <> != < <= > >=, "
      "BETWEEN, IN, LIKE, IS [NOT] NULL, AND, OR, NOT, constants) and a column list; grant SELECT on it with "
      "`weir grant --filter`");
  filter_create->add_option("name", filter_name, "Filter name")->required();
  filter_create->add_option("--table", filter_args.table, "DATABASE.TABLE")->required();
  filter_create->add_option("--row-filter", filter_args.row_filter,
                            "Rows the filter admits, e.g. \"i_category = 'Electronics'\" (default: all rows)");
  AddColumnOptions(filter_create, filter_args);
  AddDataDirOptions(filter_create, options);
  filter_create->callback([&options] {
    auto [db, name] = SplitTable(filter_args.table);
    std::vector<std::string> columns;
    auto scope = ScopeOf(filter_args, &columns);
    Json body = {{"database", db},
                 {"table", name},
                 {"name", filter_name},
                 {"row_filter", filter_args.row_filter},
                 {"columns", ColumnsJson(scope, columns)}};
    RunVerb(options, {"POST", ApiPath({"filters"}), body});
  });
  auto* filter_delete = filter->add_subcommand("delete", "Delete a data cells filter and the grants on it");
  filter_delete->add_option("name", filter_name, "Filter name")->required();
  filter_delete->add_option("--table", filter_args.table, "DATABASE.TABLE")->required();
  AddDataDirOptions(filter_delete, options);
  filter_delete->callback([&options] {
    auto [db, name] = SplitTable(filter_args.table);
    RunVerb(options, {"DELETE", ApiPath({"filters", db, name, filter_name})});
  });
  auto* filter_list = filter->add_subcommand("list", "List data cells filters");
  AddDataDirOptions(filter_list, options);
  filter_list->callback([&options] {
    RunVerb(options, {"GET", ApiPath({"filters"})}, [](const Json& answer) {
      for (const auto& f : answer["filters"]) {
        std::string columns = f["scope"].get<std::string>();
        for (size_t i = 0; i < f["columns"].size(); i++)
          columns += (i ? "," : " ") + f["columns"][i].get<std::string>();
        std::string row_filter = f["row_filter"].get<std::string>();
        std::cout << f["database"].get<std::string>() << "." << f["table"].get<std::string>() << "\t"
                  << f["name"].get<std::string>() << "\t" << (row_filter.empty() ? "all rows" : row_filter) << "\t"
                  << columns << "\n";
      }
      return Status::Ok();
    });
  });
}

}  // namespace weir::cli
