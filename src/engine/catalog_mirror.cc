// The catalog mirror: a role's visible databases, tables and columns as an
// empty DuckDB catalog, for the catalog queries PostgreSQL clients send.

#include "access/snapshot.h"
#include "duckdb.hpp"
#include "duckdb/main/client_config.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/parser/keyword_helper.hpp"
#include "engine/duckdb_support.h"
#include "engine/engine.h"
#include "engine/parse_gate.h"

namespace weir::engine {

namespace {

std::string Quote(const std::string& name) { return duckdb::KeywordHelper::WriteQuoted(name, '"'); }
std::string Literal(const std::string& text) { return duckdb::KeywordHelper::WriteQuoted(text, '\''); }

// Catalog relations each session answers from its own temporary objects:
// its cursors, and PostgreSQL's shape of relations DuckDB's emulation lacks
// or answers differently (lake databases are PostgreSQL databases for
// psql's \l; DuckDB's `main` schema is not shown).
const char* kSessionCatalogTables[] = {
    "pg_cursors",       "pg_database", "pg_namespace",   "pg_class",           "pg_collation",
    "pg_inherits",      "pg_policy",   "pg_publication", "pg_publication_rel", "pg_publication_namespace",
    "pg_statistic_ext", "pg_roles",    "pg_type",        "pg_attribute",
};

// information_schema relations filtered to the mirror's lake schemas (the
// session's temporary objects and DuckDB's `main` are not lake objects).
const char* kSessionInformationSchema[] = {"tables", "columns", "schemata", "views"};

const char* kSessionCatalogSetup[] = {
    "CREATE OR REPLACE TEMP VIEW tables AS SELECT * FROM system.information_schema.tables WHERE table_catalog = "
    "'memory' AND table_schema <> 'main'",
    "CREATE OR REPLACE TEMP VIEW columns AS SELECT * FROM system.information_schema.columns WHERE table_catalog = "
    "'memory' AND table_schema <> 'main'",
    "CREATE OR REPLACE TEMP VIEW schemata AS SELECT * FROM system.information_schema.schemata WHERE catalog_name = "
    "'memory' AND schema_name <> 'main'",
    "CREATE OR REPLACE TEMP VIEW views AS SELECT * FROM system.information_schema.views WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_database AS SELECT (16384 + row_number() OVER (ORDER BY schema_name))::INTEGER "
    "AS oid, schema_name AS datname, 10 AS datdba, 6 AS encoding, 'c' AS datlocprovider, false AS datistemplate, "
    "true AS datallowconn, -1 AS datconnlimit, 0 AS datfrozenxid, 0 AS datminmxid, 1663 AS dattablespace, "
    "'C.UTF-8' AS datcollate, 'C.UTF-8' AS datctype, NULL::VARCHAR AS daticulocale, NULL::VARCHAR AS "
    "datcollversion, NULL::VARCHAR[] AS datacl FROM information_schema.schemata WHERE catalog_name = 'memory' AND "
    "schema_name NOT IN ('main', 'pg_catalog', 'information_schema')",
    "CREATE OR REPLACE TEMP VIEW pg_namespace AS SELECT * FROM system.pg_catalog.pg_namespace WHERE nspname <> "
    "'main'",
    "CREATE OR REPLACE TEMP VIEW pg_class AS SELECT *, false AS relforcerowsecurity FROM system.pg_catalog.pg_class",
    // Column types as the wire protocol presents them (main.weir_* are
    // filled when the mirror is built).
    "CREATE OR REPLACE TEMP VIEW pg_type AS SELECT t.oid::INTEGER AS oid, t.typname, (SELECT oid FROM "
    "system.pg_catalog.pg_namespace WHERE nspname = 'pg_catalog') AS typnamespace, 10 AS typowner, t.typlen, "
    "t.typlen > 0 AS typbyval, 'b' AS typtype, t.typcategory, false AS typispreferred, true AS typisdefined, ',' AS "
    "typdelim, 0 AS typrelid, NULL::VARCHAR AS typsubscript, t.typelem::INTEGER AS typelem, t.typarray::INTEGER AS "
    "typarray, t.typname || 'in' AS typinput, t.typname || 'out' AS typoutput, 'i' AS typalign, 'p' AS typstorage, "
    "false AS typnotnull, 0 AS typbasetype, -1 AS typtypmod, 0 AS typndims, CASE WHEN t.typname = 'text' THEN 100 "
    "ELSE 0 END AS typcollation, NULL::VARCHAR AS typdefaultbin, NULL::VARCHAR AS typdefault, NULL::VARCHAR[] AS "
    "typacl FROM main.weir_types t",
    "CREATE OR REPLACE TEMP VIEW pg_attribute AS SELECT a.* REPLACE (coalesce(w.type_oid, a.atttypid) AS atttypid, "
    "coalesce(w.type_mod, a.atttypmod) AS atttypmod) FROM system.pg_catalog.pg_attribute a JOIN "
    "system.pg_catalog.pg_class c ON a.attrelid = c.oid JOIN system.pg_catalog.pg_namespace n ON n.oid = "
    "c.relnamespace LEFT JOIN main.weir_column_types w ON w.schema_name = n.nspname AND w.table_name = c.relname AND "
    "w.column_name = a.attname",
    // Relations PostgreSQL has and lake tables never use: empty, with their columns.
    "CREATE OR REPLACE TEMP VIEW pg_collation AS SELECT NULL::INTEGER AS oid, NULL::VARCHAR AS collname, "
    "NULL::INTEGER AS collnamespace, NULL::INTEGER AS collowner, NULL::VARCHAR AS collprovider, NULL::BOOLEAN AS "
    "collisdeterministic, NULL::INTEGER AS collencoding, NULL::VARCHAR AS collcollate, NULL::VARCHAR AS collctype, "
    "NULL::VARCHAR AS colliculocale, NULL::VARCHAR AS collversion WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_roles AS SELECT NULL::INTEGER AS oid, NULL::VARCHAR AS rolname, NULL::BOOLEAN "
    "AS rolsuper, NULL::BOOLEAN AS rolinherit, NULL::BOOLEAN AS rolcreaterole, NULL::BOOLEAN AS rolcreatedb, "
    "NULL::BOOLEAN AS rolcanlogin, NULL::BOOLEAN AS rolreplication, NULL::INTEGER AS rolconnlimit, NULL::VARCHAR "
    "AS rolpassword, NULL::TIMESTAMPTZ AS rolvaliduntil, NULL::BOOLEAN AS rolbypassrls, NULL::VARCHAR[] AS "
    "rolconfig WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_inherits AS SELECT NULL::INTEGER AS inhrelid, NULL::INTEGER AS inhparent, "
    "NULL::INTEGER AS inhseqno, NULL::BOOLEAN AS inhdetachpending WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_policy AS SELECT NULL::INTEGER AS oid, NULL::VARCHAR AS polname, NULL::INTEGER "
    "AS polrelid, NULL::VARCHAR AS polcmd, NULL::BOOLEAN AS polpermissive, NULL::INTEGER[] AS polroles, "
    "NULL::VARCHAR AS polqual, NULL::VARCHAR AS polwithcheck WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_publication AS SELECT NULL::INTEGER AS oid, NULL::VARCHAR AS pubname, "
    "NULL::INTEGER AS pubowner, NULL::BOOLEAN AS puballtables, NULL::BOOLEAN AS pubinsert, NULL::BOOLEAN AS "
    "pubupdate, NULL::BOOLEAN AS pubdelete, NULL::BOOLEAN AS pubtruncate, NULL::BOOLEAN AS pubviaroot WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_publication_rel AS SELECT NULL::INTEGER AS oid, NULL::INTEGER AS prpubid, "
    "NULL::INTEGER AS prrelid, NULL::VARCHAR AS prqual, NULL::INTEGER[] AS prattrs WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_publication_namespace AS SELECT NULL::INTEGER AS oid, NULL::INTEGER AS pnpubid, "
    "NULL::INTEGER AS pnnspid WHERE false",
    "CREATE OR REPLACE TEMP VIEW pg_statistic_ext AS SELECT NULL::INTEGER AS oid, NULL::INTEGER AS stxrelid, "
    "NULL::VARCHAR AS stxname, NULL::INTEGER AS stxnamespace, NULL::INTEGER AS stxowner, NULL::INTEGER AS "
    "stxstattarget, NULL::INTEGER[] AS stxkeys, NULL::VARCHAR[] AS stxkind, NULL::VARCHAR AS stxexprs WHERE false",
};

// Functions psql and drivers call that DuckDB lacks, as macros.
const char* kCompatibilityMacros[] = {
    "CREATE MACRO pg_get_userbyid(id) AS 'weir'",
    "CREATE MACRO pg_encoding_to_char(encoding) AS 'UTF8'",
    // Lake columns have no defaults or constraints to print.
    "CREATE MACRO pg_get_expr(expression, relation) AS NULL::VARCHAR, "
    "(expression, relation, pretty) AS NULL::VARCHAR",
    "CREATE MACRO pg_get_statisticsobjdef_columns(oid) AS NULL::VARCHAR",
    "CREATE MACRO pg_relation_is_publishable(relation) AS false",
    "CREATE MACRO array_upper(list, dimension) AS len(list)",
    "CREATE MACRO format_type(type_oid, type_mod) AS (SELECT CASE WHEN t.typname = 'numeric' AND type_mod >= 4 THEN "
    "'numeric(' || ((type_mod - 4) >> 16) || ',' || ((type_mod - 4) & 65535) || ')' ELSE t.typname END FROM "
    "main.weir_types t WHERE t.oid = type_oid)",
};

Status Exec(duckdb::Connection& connection, const std::string& sql) {
  auto result = connection.Query(sql);
  if (result->HasError()) return Status::Internal("catalog mirror: " + result->GetError());
  return Status::Ok();
}

}  // namespace

bool IsCatalogReference(const std::string& catalog, const std::string& schema, const std::string& table) {
  std::string s = duckdb::StringUtil::Lower(schema);
  std::string t = duckdb::StringUtil::Lower(table);
  if (!catalog.empty()) return false;
  if (s == "pg_catalog" || s == "information_schema") return true;
  return s.empty() && t.rfind("pg_", 0) == 0;
}

CatalogConnection::CatalogConnection(std::shared_ptr<duckdb::DuckDB> db, int64_t version)
    : db_(std::move(db)), version_(version) {
  connection_ = std::make_unique<duckdb::Connection>(*db_);
  duckdb::ClientConfig::GetConfig(*connection_->context).use_replacement_scans = false;
}

CatalogConnection::~CatalogConnection() = default;

namespace {

// Catalog references stay as written (they bind to the mirror's catalog);
// pg_cursors is the session's own; lake tables are not here.
Status GateCatalogStatement(duckdb::SQLStatement& statement) {
  return GateStatement(
      statement,
      [](const std::string& catalog, const std::string& schema, const std::string& table) -> Result<int64_t> {
        if (IsCatalogReference(catalog, schema, table)) {
          std::string name = duckdb::StringUtil::Lower(table);
          if (duckdb::StringUtil::Lower(schema) == "information_schema") {
            for (const char* session_table : kSessionInformationSchema) {
              if (name == session_table) return kSessionTableReference;
            }
            return kKeepReference;
          }
          for (const char* session_table : kSessionCatalogTables) {
            if (name == session_table) return kSessionTableReference;
          }
          return kKeepReference;
        }
        return Status::NotSupported("catalog tables cannot be queried together with lake tables");
      });
}

}  // namespace

Result<std::unique_ptr<RowStream>> CatalogConnection::Run(std::unique_ptr<duckdb::SQLStatement> statement,
                                                          const std::vector<duckdb::Value>* parameters) {
  WEIR_RETURN_IF_ERROR(GateCatalogStatement(*statement));
  try {
    auto values = BindParameters(parameters);
    auto pending =
        connection_->context->PendingQuery(duckdb::unique_ptr<duckdb::SQLStatement>(statement.release()), values, true);
    if (pending->HasError()) return StatusFromErrorData(pending->GetErrorObject());
    auto result = pending->Execute();
    if (result->HasError()) return StatusFromErrorData(result->GetErrorObject());
    return std::make_unique<RowStream>(std::unique_ptr<duckdb::QueryResult>(result.release()));
  } catch (...) {
    return StatusFromCurrentException();
  }
}

Result<StatementShape> CatalogConnection::Describe(std::unique_ptr<duckdb::SQLStatement> statement) {
  WEIR_RETURN_IF_ERROR(GateCatalogStatement(*statement));
  try {
    auto prepared = connection_->context->Prepare(duckdb::unique_ptr<duckdb::SQLStatement>(statement.release()));
    if (prepared->HasError()) return StatusFromErrorData(prepared->error);
    return ShapeOf(*prepared);
  } catch (...) {
    return StatusFromCurrentException();
  }
}

Status CatalogConnection::SetCursors(const std::vector<std::pair<std::string, std::string>>& cursors) {
  if (cursors_ == cursors) return Status::Ok();  // unchanged: most catalog queries
  std::string sql =
      "CREATE OR REPLACE TEMP TABLE pg_cursors (name VARCHAR, statement VARCHAR, is_holdable BOOLEAN, "
      "is_binary BOOLEAN, is_scrollable BOOLEAN, creation_time TIMESTAMPTZ)";
  WEIR_RETURN_IF_ERROR(Exec(*connection_, sql));
  for (const auto& [name, statement] : cursors) {
    WEIR_RETURN_IF_ERROR(Exec(*connection_, "INSERT INTO pg_cursors VALUES (" + Literal(name) + ", " +
                                                Literal(statement) + ", false, false, false, now())"));
  }
  cursors_ = cursors;
  return Status::Ok();
}

Result<std::unique_ptr<CatalogConnection>> Engine::ConnectCatalog(const std::string& role,
                                                                  const access::Snapshot& snapshot) {
  std::shared_ptr<duckdb::DuckDB> db;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = mirrors_.find(role);
    if (it != mirrors_.end() && it->second.first == snapshot.version()) db = it->second.second;
  }
  if (!db) {
    try {
      // Hardened like a role instance, and allowed no directory at all.
      duckdb::DBConfig config;
      Harden(&config);
      config.options.maximum_memory = 64LL << 20;
      config.options.maximum_threads = 1;
      config.options.temporary_directory = "";
      db = std::make_shared<duckdb::DuckDB>(nullptr, &config);
      duckdb::DBConfig::GetConfig(*db->instance).replacement_scans.clear();
      duckdb::Connection setup(*db);
      WEIR_RETURN_IF_ERROR(Exec(setup,
                                "CREATE TABLE main.weir_types (oid UINTEGER, typname VARCHAR, typlen SMALLINT, typelem "
                                "UINTEGER, typarray UINTEGER, typcategory VARCHAR)"));
      WEIR_RETURN_IF_ERROR(Exec(setup,
                                "CREATE TABLE main.weir_column_types (schema_name VARCHAR, table_name VARCHAR, "
                                "column_name VARCHAR, type_oid INTEGER, type_mod INTEGER)"));
      for (const auto& t : options_.catalog_types.types) {
        WEIR_RETURN_IF_ERROR(Exec(setup, "INSERT INTO main.weir_types VALUES (" + std::to_string(t.oid) + ", " +
                                             Literal(t.name) + ", " + std::to_string(t.size) + ", " +
                                             std::to_string(t.element_oid) + ", " + std::to_string(t.array_oid) + ", " +
                                             Literal(std::string(1, t.category)) + ")"));
      }
      for (const auto& database : snapshot.VisibleDatabases(role)) {
        WEIR_RETURN_IF_ERROR(Exec(setup, "CREATE SCHEMA " + Quote(database)));
        for (const auto& table_name : snapshot.VisibleTables(role, database)) {
          auto access = snapshot.Resolve(role, database, table_name);
          if (!access.ok()) continue;
          std::string columns;
          for (size_t c : access->visible_columns) {
            const auto& column = access->table->columns[c];
            if (!columns.empty()) columns += ", ";
            columns += Quote(column.name) + " " + column.type;
            if (options_.catalog_types.column_type) {
              auto [oid, mod] = options_.catalog_types.column_type(duckdb::TransformStringToLogicalType(column.type));
              WEIR_RETURN_IF_ERROR(Exec(setup, "INSERT INTO main.weir_column_types VALUES (" + Literal(database) +
                                                   ", " + Literal(table_name) + ", " + Literal(column.name) + ", " +
                                                   std::to_string(oid) + ", " + std::to_string(mod) + ")"));
            }
          }
          if (columns.empty()) continue;
          WEIR_RETURN_IF_ERROR(
              Exec(setup, "CREATE TABLE " + Quote(database) + "." + Quote(table_name) + " (" + columns + ")"));
        }
      }
      for (const char* sql : kCompatibilityMacros) WEIR_RETURN_IF_ERROR(Exec(setup, sql));
      WEIR_RETURN_IF_ERROR(LockDown(*db));
    } catch (...) {
      return StatusFromCurrentException();
    }
    std::lock_guard<std::mutex> lock(mu_);
    mirrors_[role] = {snapshot.version(), db};
  }
  try {
    auto connection = std::unique_ptr<CatalogConnection>(new CatalogConnection(db, snapshot.version()));
    for (const char* sql : kSessionCatalogSetup) WEIR_RETURN_IF_ERROR(Exec(*connection->connection_, sql));
    WEIR_RETURN_IF_ERROR(connection->SetCursors({}));
    return connection;
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace weir::engine
