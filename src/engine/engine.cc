#include "engine/engine.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "access/snapshot.h"
#include "duckdb.hpp"
#include "duckdb/common/error_data.hpp"
#include "duckdb/main/client_config.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/storage/buffer/buffer_pool.hpp"
#include "duckdb/storage/buffer_manager.hpp"
#include "engine/duckdb_support.h"
#include "engine/parse_gate.h"
#include "engine/secure_scan.h"
#include "engine/session_state.h"

namespace weir::engine {

namespace {

// Maps DuckDB's error classes onto Weir's codes (and so onto SQLSTATEs).
StatusCode CodeFor(const duckdb::ErrorData& error) {
  const std::string& message = error.RawMessage();
  switch (error.Type()) {
    case duckdb::ExceptionType::PARSER:
      return StatusCode::kSyntaxError;
    case duckdb::ExceptionType::BINDER:
      if (message.find("Referenced column") != std::string::npos ||
          message.find("not found in FROM clause") != std::string::npos ||
          message.find("does not have a column named") != std::string::npos) {
        return StatusCode::kUndefinedColumn;
      }
      return StatusCode::kInvalidArgument;
    case duckdb::ExceptionType::PERMISSION:
      return StatusCode::kPermissionDenied;
    case duckdb::ExceptionType::INTERRUPT:
      return StatusCode::kCancelled;
    case duckdb::ExceptionType::CONVERSION:
    case duckdb::ExceptionType::OUT_OF_RANGE:
    case duckdb::ExceptionType::DIVIDE_BY_ZERO:
    case duckdb::ExceptionType::INVALID_INPUT:
    case duckdb::ExceptionType::MISMATCH_TYPE:
    case duckdb::ExceptionType::INVALID_TYPE:
      return StatusCode::kDataError;
    case duckdb::ExceptionType::NOT_IMPLEMENTED:
      return StatusCode::kFeatureNotSupported;
    case duckdb::ExceptionType::IO:
      return StatusCode::kIoError;
    case duckdb::ExceptionType::CATALOG:
      return StatusCode::kInvalidArgument;
    default:
      return StatusCode::kInternal;
  }
}

}  // namespace

Status StatusFromErrorData(const duckdb::ErrorData& error) { return {CodeFor(error), error.RawMessage()}; }

duckdb::case_insensitive_map_t<duckdb::BoundParameterData> BindParameters(
    const std::vector<duckdb::Value>* parameters) {
  duckdb::case_insensitive_map_t<duckdb::BoundParameterData> values;
  if (parameters == nullptr) return values;
  for (size_t i = 0; i < parameters->size(); i++) {
    values[std::to_string(i + 1)] = duckdb::BoundParameterData((*parameters)[i]);
  }
  return values;
}

StatementShape ShapeOf(duckdb::PreparedStatement& prepared) {
  StatementShape shape;
  shape.names.assign(prepared.GetNames().begin(), prepared.GetNames().end());
  shape.types.assign(prepared.GetTypes().begin(), prepared.GetTypes().end());
  auto expected = prepared.GetExpectedParameterTypes();
  shape.parameter_types.assign(prepared.named_param_map.size(), duckdb::LogicalType::VARCHAR);
  for (auto& [name, index] : prepared.named_param_map) {
    auto type = expected.find(name);
    if (index >= 1 && index <= shape.parameter_types.size() && type != expected.end() &&
        type->second.id() != duckdb::LogicalTypeId::UNKNOWN && type->second.id() != duckdb::LogicalTypeId::ANY) {
      shape.parameter_types[index - 1] = type->second;
    }
  }
  return shape;
}

void Harden(duckdb::DBConfig* config) {
  config->options.autoload_known_extensions = false;
  config->options.autoinstall_known_extensions = false;
  config->options.allow_community_extensions = false;
  config->options.allow_unsigned_extensions = false;
  config->SetOptionByName("allow_persistent_secrets", duckdb::Value::BOOLEAN(false));
  config->SetOptionByName("enable_external_file_cache", duckdb::Value::BOOLEAN(false));
}

Status LockDown(duckdb::DuckDB& db) {
  duckdb::Connection setup(db);
  for (const char* sql : {"SET enable_external_access=false", "SET lock_configuration=true"}) {
    auto result = setup.Query(sql);
    if (result->HasError()) return StatusFromErrorData(result->GetErrorObject());
  }
  return Status::Ok();
}

Status StatusFromCurrentException() {
  try {
    throw;
  } catch (std::exception& ex) {
    return StatusFromErrorData(duckdb::ErrorData(ex));
  } catch (...) {
    return Status::Internal("unknown error");
  }
}

Result<std::vector<std::unique_ptr<duckdb::SQLStatement>>> ParseSql(const std::string& sql) {
  try {
    duckdb::Parser parser;
    parser.ParseQuery(sql);
    std::vector<std::unique_ptr<duckdb::SQLStatement>> result;
    for (auto& statement : parser.statements) result.emplace_back(statement.release());
    return result;
  } catch (...) {
    return StatusFromCurrentException();
  }
}

// --- RowStream -------------------------------------------------------------

RowStream::RowStream(std::unique_ptr<duckdb::QueryResult> result, TaskHelpers::Activity activity)
    : activity_(std::move(activity)), result_(std::move(result)) {}
RowStream::~RowStream() = default;

const std::vector<std::string>& RowStream::names() const { return result_->names; }
const std::vector<duckdb::LogicalType>& RowStream::types() const { return result_->types; }

Result<std::unique_ptr<duckdb::DataChunk>> RowStream::Next() {
  try {
    auto chunk = result_->Fetch();
    if (result_->HasError()) return StatusFromErrorData(result_->GetErrorObject());
    return std::unique_ptr<duckdb::DataChunk>(chunk.release());
  } catch (...) {
    return StatusFromCurrentException();
  }
}

// --- Connection ------------------------------------------------------------

struct Connection::ScanFiles {
  std::string qualified_name;
  std::vector<std::string> files;
  bool hive_partitioning = false;
  bool operator==(const ScanFiles&) const = default;
};

// A parameterless SELECT's plan, kept with what it was made from. Its secure
// scans' bind data holds the specs the parse gate made then; those depend only
// on the role (the connection's), the snapshot version, the current database,
// the statement and the tables' files, so the plan stands for a new run when
// all of them are equal.
struct Connection::CachedPlan {
  std::string text;                                 // what the statement was parsed from
  std::unique_ptr<duckdb::SQLStatement> statement;  // as parsed, before the gate
  int64_t snapshot_version = 0;
  std::string current_database;
  std::vector<ScanFiles> scan_files;
  duckdb::unique_ptr<duckdb::PreparedStatement> prepared;
};

namespace {

// Enough for the statements a client repeats; each holds a small plan.
constexpr size_t kMaxCachedPlans = 16;

}  // namespace

Connection::Connection(std::string role, std::shared_ptr<duckdb::DuckDB> db, std::string lake_root,
                       AuditReader audit_reader, TaskHelpers* helpers)
    : role_(std::move(role)),
      db_(std::move(db)),
      lake_root_(std::move(lake_root)),
      audit_reader_(std::move(audit_reader)),
      helpers_(helpers) {
  connection_ = std::make_unique<duckdb::Connection>(*db_);
  auto& context = *connection_->context;
  duckdb::ClientConfig::GetConfig(context).use_replacement_scans = false;
  auto state = duckdb::make_shared_ptr<SessionState>();
  state_ = state.get();
  context.registered_state->Insert(SessionState::kKey, std::move(state));
}

Connection::~Connection() = default;

void Connection::Interrupt() { connection_->Interrupt(); }

Status Connection::Gate(duckdb::SQLStatement& statement, const access::Snapshot& snapshot,
                        const std::string& current_database, std::vector<ScanFiles>* scan_files) {
  std::vector<ScanSpec> scans;
  std::map<std::string, int64_t> scan_ids;  // "db.table" → index in scans
  auto resolve = [&](const std::string& catalog_name, const std::string& schema_name,
                     const std::string& table_name) -> Result<int64_t> {
    // Catalog names are lower case; identifiers match case-insensitively.
    std::string catalog = duckdb::StringUtil::Lower(catalog_name);
    std::string schema = duckdb::StringUtil::Lower(schema_name);
    std::string table = duckdb::StringUtil::Lower(table_name);
    if (catalog.empty() && schema.empty() && table == kAuditTableName && audit_reader_ &&
        snapshot.IsLakeAdmin("role/" + role_)) {
      // The audit trail, for a data lake administrator's role only. For any
      // other role the name resolves like every other (and is not found).
      auto seen = scan_ids.find(kAuditTableName);
      if (seen != scan_ids.end()) return seen->second;
      ScanSpec spec;
      spec.qualified_name = kAuditTableName;
      spec.visible_columns = AuditColumnNames();
      spec.audit_reader = audit_reader_;
      scans.push_back(std::move(spec));
      scan_ids[kAuditTableName] = static_cast<int64_t>(scans.size() - 1);
      return static_cast<int64_t>(scans.size() - 1);
    }
    std::string database = schema.empty() ? current_database : schema;
    if (!catalog.empty() || database.empty()) {
      std::string shown = (catalog.empty() ? "" : catalog + ".") + (schema.empty() ? "" : schema + ".") + table;
      return Status::PermissionDenied("permission denied for table " + shown + ", or it does not exist" +
                                      (database.empty() ? " (no database selected: USE one or qualify the name)" : ""));
    }
    // A table named several times (self-joins; DuckDB also keeps each CTE
    // body twice) is resolved and listed once per statement.
    auto seen = scan_ids.find(database + "." + table);
    if (seen != scan_ids.end()) return seen->second;
    WEIR_ASSIGN_OR_RETURN(access::TableAccess access, snapshot.Resolve(role_, database, table));
    WEIR_ASSIGN_OR_RETURN(ListedFiles listed, ListTableFiles(lake_root_, access.table->location, access.table->format));
    ScanSpec spec;
    spec.qualified_name = access.table->QualifiedName();
    spec.format = access.table->format;
    spec.files = std::move(listed.files);
    spec.hive_partitioning = listed.hive_partitioned;
    for (size_t c : access.visible_columns) spec.visible_columns.push_back(access.table->columns[c].name);
    spec.row_predicate = access.row_predicate;
    spec.cell_conditions = access.cell_conditions;
    scans.push_back(std::move(spec));
    scan_ids[database + "." + table] = static_cast<int64_t>(scans.size() - 1);
    return static_cast<int64_t>(scans.size() - 1);
  };
  WEIR_RETURN_IF_ERROR(GateStatement(statement, resolve));
  if (scan_files != nullptr) {
    scan_files->clear();
    for (const auto& scan : scans) scan_files->push_back({scan.qualified_name, scan.files, scan.hive_partitioning});
  }
  state_->Arm(std::move(scans));
  return Status::Ok();
}

Result<StatementShape> Connection::Describe(std::unique_ptr<duckdb::SQLStatement> statement,
                                            const access::Snapshot& snapshot, const std::string& current_database) {
  WEIR_RETURN_IF_ERROR(Gate(*statement, snapshot, current_database));
  try {
    auto prepared = connection_->context->Prepare(duckdb::unique_ptr<duckdb::SQLStatement>(statement.release()));
    state_->Disarm();
    if (prepared->HasError()) return StatusFromErrorData(prepared->error);
    return ShapeOf(*prepared);
  } catch (...) {
    state_->Disarm();
    return StatusFromCurrentException();
  }
}

Connection::CachedPlan* Connection::FindPlan(const duckdb::SQLStatement& statement, int64_t snapshot_version,
                                             const std::string& current_database) {
  for (size_t i = 0; i < plans_.size(); i++) {
    CachedPlan& plan = *plans_[i];
    if (plan.text != statement.query || plan.snapshot_version != snapshot_version ||
        plan.current_database != current_database ||
        !plan.statement->Cast<duckdb::SelectStatement>().Equals(statement)) {
      continue;
    }
    std::rotate(plans_.begin(), plans_.begin() + static_cast<std::ptrdiff_t>(i),
                plans_.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    return plans_.front().get();
  }
  return nullptr;
}

Result<std::unique_ptr<RowStream>> Connection::Run(std::unique_ptr<duckdb::SQLStatement> statement,
                                                   const access::Snapshot& snapshot,
                                                   const std::string& current_database, ReadSet* reads,
                                                   const std::vector<duckdb::Value>* parameters) {
  bool cacheable = statement->type == duckdb::StatementType::SELECT_STATEMENT && !statement->query.empty() &&
                   (parameters == nullptr || parameters->empty());
  CachedPlan* kept = cacheable ? FindPlan(*statement, snapshot.version(), current_database) : nullptr;
  std::unique_ptr<duckdb::SQLStatement> original;
  if (cacheable && kept == nullptr) original = std::unique_ptr<duckdb::SQLStatement>(statement->Copy().release());
  std::vector<ScanFiles> scan_files;
  WEIR_RETURN_IF_ERROR(Gate(*statement, snapshot, current_database, cacheable ? &scan_files : nullptr));
  // The tables' files changed since the plan was made: plan again.
  if (kept != nullptr && kept->scan_files != scan_files) {
    original = std::move(plans_.front()->statement);
    plans_.erase(plans_.begin());
    kept = nullptr;
  }
  auto collect_reads = [&] {
    if (reads == nullptr) return;
    reads->tables.assign(state_->tables_read().begin(), state_->tables_read().end());
    reads->columns.assign(state_->columns_read().begin(), state_->columns_read().end());
  };
  try {
    // From here the statement may queue tasks for the helpers.
    TaskHelpers::Activity activity = helpers_->Start();
    bool reads_files = state_->has_scans();
    duckdb::unique_ptr<duckdb::PendingQueryResult> pending;
    auto values = BindParameters(parameters);
    if (kept != nullptr) {
      // The plan gate checks the kept plan again as it starts (SessionState::OnExecutePrepared).
      pending = kept->prepared->PendingQuery(values, true);
    } else if (cacheable) {
      auto prepared = connection_->context->Prepare(duckdb::unique_ptr<duckdb::SQLStatement>(statement.release()));
      if (prepared->HasError()) {
        collect_reads();
        state_->Disarm();
        return StatusFromErrorData(prepared->error);
      }
      pending = prepared->PendingQuery(values, true);
      if (!pending->HasError() && prepared->named_param_map.empty()) {
        auto plan = std::make_unique<CachedPlan>();
        plan->text = original->query;
        plan->statement = std::move(original);
        plan->snapshot_version = snapshot.version();
        plan->current_database = current_database;
        plan->scan_files = std::move(scan_files);
        plan->prepared = std::move(prepared);
        if (plans_.size() >= kMaxCachedPlans) plans_.pop_back();
        plans_.insert(plans_.begin(), std::move(plan));
      }
    } else {
      pending = connection_->context->PendingQuery(duckdb::unique_ptr<duckdb::SQLStatement>(statement.release()),
                                                   values, true);
    }
    collect_reads();
    state_->Disarm();
    if (pending->HasError()) {
      if (kept != nullptr) plans_.erase(plans_.begin());  // made for another state of things: plan afresh next time
      return StatusFromErrorData(pending->GetErrorObject());
    }
    // Its first tasks are queued: a statement that reads files gets the helpers now.
    if (reads_files) helpers_->Nudge();
    auto result = pending->Execute();
    if (result->HasError()) return StatusFromErrorData(result->GetErrorObject());
    return std::make_unique<RowStream>(std::unique_ptr<duckdb::QueryResult>(result.release()), std::move(activity));
  } catch (...) {
    state_->Disarm();
    return StatusFromCurrentException();
  }
}

// --- Engine ----------------------------------------------------------------

Engine::Engine(EngineOptions options)
    : options_(std::move(options)), helpers_(std::make_unique<TaskHelpers>(std::max(0, options_.threads - 1))) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(EngineOptions options) {
  std::error_code ec;
  if (options.lake_root.empty() || !std::filesystem::is_directory(options.lake_root, ec)) {
    return Status::FailedPrecondition("lake root " + options.lake_root + " is not a directory");
  }
  options.lake_root = std::filesystem::canonical(options.lake_root, ec).string();
  std::filesystem::create_directories(options.temp_root, ec);
  if (ec) return Status::IoError("cannot create " + options.temp_root + ": " + ec.message());
  if (options.threads <= 0) options.threads = Cores();
  return std::unique_ptr<Engine>(new Engine(std::move(options)));
}

std::string Engine::DuckdbVersion() { return duckdb::DuckDB::LibraryVersion(); }

int Engine::Cores() {
  return static_cast<int>(duckdb::DBConfig::GetSystemMaxThreads(*duckdb::FileSystem::CreateLocal()));
}

Result<std::shared_ptr<duckdb::DuckDB>> Engine::Instance(const std::string& role) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = instances_.find(role);
  if (it != instances_.end()) return it->second;
  try {
    duckdb::DBConfig config;
    Harden(&config);
    // A private spill directory per role: DuckDB allow-lists it for its own
    // instance only.
    std::string temp = options_.temp_root + "/role-" + role;
    std::error_code ec;
    std::filesystem::create_directories(temp, ec);
    config.options.temporary_directory = temp;
    if (options_.memory_limit_bytes > 0) config.options.maximum_memory = options_.memory_limit_bytes;
    // DuckDB starts no worker of its own: the session's thread and the
    // shared helpers run the tasks (TaskHelpers).
    config.options.maximum_threads = static_cast<duckdb::idx_t>(options_.threads);
    config.options.external_threads = static_cast<duckdb::idx_t>(options_.threads);

    auto db = std::make_shared<duckdb::DuckDB>(nullptr, &config);
    auto& instance = *db->instance;
    RegisterSecureScan(instance);
    auto& live = duckdb::DBConfig::GetConfig(instance);
    live.replacement_scans.clear();
    live.AddAllowedDirectory(options_.lake_root + "/");
    WEIR_RETURN_IF_ERROR(LockDown(*db));
    instances_[role] = db;
    helpers_->Add(db);
    RebalanceMemory();
    return db;
  } catch (...) {
    return StatusFromCurrentException();
  }
}

void Engine::RebalanceMemory() {
  if (options_.memory_budget_bytes <= 0 || instances_.empty()) return;
  constexpr int64_t kMinInstanceMemory = 256LL << 20;
  int64_t share = std::max(kMinInstanceMemory, options_.memory_budget_bytes / static_cast<int64_t>(instances_.size()));
  for (auto& [role, db] : instances_) {
    try {
      duckdb::BufferManager::GetBufferManager(*db->instance)
          .GetBufferPool()
          .SetLimit(static_cast<duckdb::idx_t>(share), " (this role's share of the server's memory budget)");
    } catch (...) {
      // Memory in use above the new share: the instance keeps its limit
      // until it frees memory; the next rebalance tries again.
    }
  }
}

Result<std::unique_ptr<Connection>> Engine::Connect(const std::string& role) {
  WEIR_ASSIGN_OR_RETURN(auto db, Instance(role));
  try {
    return std::unique_ptr<Connection>(
        new Connection(role, std::move(db), options_.lake_root, options_.audit_reader, helpers_.get()));
  } catch (...) {
    return StatusFromCurrentException();
  }
}

}  // namespace weir::engine
