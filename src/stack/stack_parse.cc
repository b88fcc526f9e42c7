// Reads a stack file into the model of stack.h. Everything that can be
// checked without the data directory's state is checked here, so a bad file
// is refused before any transaction begins.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "access/row_filter.h"
#include "iam/policy.h"
#include "stack/stack.h"

namespace weir::stack {

std::string Where::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  if (!field.empty()) out += ": " + field;
  return out;
}

Status Where::Wrap(const Status& status) const {
  if (status.ok()) return status;
  return Status(status.code(), ToString() + ": " + status.message());
}

Substitutions SubstitutionsFor(const iam::Cluster& cluster) {
  return {cluster.account, cluster.region, cluster.name, cluster.Arn()};
}

namespace {

// A field's path and the node it holds.
struct Field {
  YAML::Node node;
  std::string path;
};

class Reader {
 public:
  Reader(std::string file, const Substitutions& subs) : file_(std::move(file)), subs_(subs) {}

  Where At(const Field& f) const {
    Where w{file_, 0, 0, f.path};
    if (f.node.IsDefined()) {
      YAML::Mark mark = f.node.Mark();
      if (mark.line >= 0) {
        w.line = mark.line + 1;
        w.column = mark.column + 1;
      }
    }
    return w;
  }

  Status Error(const Field& f, const std::string& message) const {
    return At(f).Wrap(Status::InvalidArgument(message));
  }

  // A mapping whose keys are all among `allowed`; an absent or null field
  // reads as an empty mapping.
  Result<std::map<std::string, Field>> Map(const Field& f, std::initializer_list<const char*> allowed) const {
    std::map<std::string, Field> out;
    if (!f.node.IsDefined() || f.node.IsNull()) return out;
    if (!f.node.IsMap()) return Error(f, "expected a mapping");
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      const std::string key = it->first.as<std::string>();
      if (std::find_if(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; }) == allowed.end()) {
        std::string expected;
        for (const char* a : allowed) expected += (expected.empty() ? "" : ", ") + std::string(a);
        return Error({it->first, Join(f.path, key)}, "unknown field '" + key + "' (expected one of: " + expected + ")");
      }
      out.emplace(key, Field{it->second, Join(f.path, key)});
    }
    return out;
  }

  // The elements of a sequence; absent or null reads as empty.
  Result<std::vector<Field>> List(const Field& f) const {
    std::vector<Field> out;
    if (!f.node.IsDefined() || f.node.IsNull()) return out;
    if (!f.node.IsSequence()) return Error(f, "expected a list");
    for (size_t i = 0; i < f.node.size(); ++i) out.push_back({f.node[i], f.path + "[" + std::to_string(i) + "]"});
    return out;
  }

  Result<std::string> String(const Field& f) const {
    if (!f.node.IsDefined() || f.node.IsNull()) return Error(f, "a value is required");
    if (!f.node.IsScalar()) return Error(f, "expected a string");
    return Expand(f, f.node.Scalar());
  }

  Result<std::string> OptionalString(const std::map<std::string, Field>& m, const char* key) const {
    auto it = m.find(key);
    if (it == m.end() || it->second.node.IsNull()) return std::string();
    return String(it->second);
  }

  Result<std::string> RequiredString(const std::map<std::string, Field>& m, const Field& parent,
                                     const char* key) const {
    auto it = m.find(key);
    if (it == m.end()) return Error(parent, "missing field '" + std::string(key) + "'");
    return String(it->second);
  }

  Result<bool> Bool(const Field& f) const {
    if (!f.node.IsScalar()) return Error(f, "expected true or false");
    const std::string& s = f.node.Scalar();
    if (s == "true") return true;
    if (s == "false") return false;
    return Error(f, "expected true or false, not '" + s + "'");
  }

  Result<std::vector<std::string>> Strings(const Field& f) const {
    WEIR_ASSIGN_OR_RETURN(auto items, List(f));
    std::vector<std::string> out;
    for (const auto& item : items) {
      WEIR_ASSIGN_OR_RETURN(std::string s, String(item));
      out.push_back(std::move(s));
    }
    return out;
  }

  Result<iam::Tags> Tags(const Field& f) const {
    iam::Tags out;
    if (!f.node.IsDefined() || f.node.IsNull()) return out;
    if (!f.node.IsMap()) return Error(f, "expected a mapping of tag keys to values");
    for (auto it = f.node.begin(); it != f.node.end(); ++it) {
      Field value{it->second, Join(f.path, it->first.as<std::string>())};
      WEIR_ASSIGN_OR_RETURN(std::string v, String(value));
      out[it->first.as<std::string>()] = v;
    }
    return out;
  }

  // A policy document: a YAML mapping (converted to JSON) or a string
  // holding JSON. Returned as compact JSON after the IAM grammar accepts it.
  Result<std::string> Document(const Field& f, iam::PolicyKind kind) const {
    nlohmann::json doc;
    if (f.node.IsScalar()) {
      WEIR_ASSIGN_OR_RETURN(std::string text, String(f));
      doc = nlohmann::json::parse(text, nullptr, false);
      if (doc.is_discarded()) return Error(f, "the policy document is not valid JSON");
    } else if (f.node.IsMap()) {
      WEIR_ASSIGN_OR_RETURN(doc, ToJson(f));
    } else {
      return Error(f, "expected a policy document (a mapping, or a string holding JSON)");
    }
    std::string text = doc.dump();
    auto parsed = iam::Policy::Parse(text, kind);
    if (!parsed.ok()) return Error(f, "invalid policy document: " + parsed.status().message());
    return text;
  }

 private:
  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  // Scalars become JSON strings (IAM compares condition values as
  // strings); mappings and sequences keep their shape.
  Result<nlohmann::json> ToJson(const Field& f) const {
    if (f.node.IsMap()) {
      nlohmann::json out = nlohmann::json::object();
      for (auto it = f.node.begin(); it != f.node.end(); ++it) {
        std::string key = it->first.as<std::string>();
        WEIR_ASSIGN_OR_RETURN(out[key], ToJson({it->second, Join(f.path, key)}));
      }
      return out;
    }
    if (f.node.IsSequence()) {
      nlohmann::json out = nlohmann::json::array();
      for (size_t i = 0; i < f.node.size(); ++i) {
        WEIR_ASSIGN_OR_RETURN(nlohmann::json item, ToJson({f.node[i], f.path + "[" + std::to_string(i) + "]"}));
        out.push_back(std::move(item));
      }
      return out;
    }
    if (f.node.IsNull()) return Error(f, "a value is required");
    WEIR_ASSIGN_OR_RETURN(std::string s, String(f));
    return nlohmann::json(s);
  }

  // Expands ${Weir::AccountId}, ${Weir::Region}, ${Weir::ClusterName} and
  // ${Weir::ClusterArn}; other ${...} (IAM policy variables) stay.
  Result<std::string> Expand(const Field& f, const std::string& text) const {
    static constexpr std::string_view kPrefix = "${Weir::";
    std::string out;
    size_t pos = 0;
    while (true) {
      size_t start = text.find(kPrefix, pos);
      if (start == std::string::npos) break;
      size_t end = text.find('}', start);
      if (end == std::string::npos) return Error(f, "unterminated ${Weir::...} reference");
      std::string name = text.substr(start + kPrefix.size(), end - start - kPrefix.size());
      const std::string* value = nullptr;
      if (name == "AccountId") value = &subs_.account;
      if (name == "Region") value = &subs_.region;
      if (name == "ClusterName") value = &subs_.cluster_name;
      if (name == "ClusterArn") value = &subs_.cluster_arn;
      if (value == nullptr) {
        return Error(f, "unknown reference ${Weir::" + name + "} (known: AccountId, Region, ClusterName, ClusterArn)");
      }
      out += text.substr(pos, start - pos) + *value;
      pos = end + 1;
    }
    return out + text.substr(pos);
  }

  std::string file_;
  const Substitutions& subs_;
};

Status CheckName(const Reader& r, const Field& f, const std::string& kind, const std::string& name) {
  if (!catalog::IsValidName(name)) {
    return r.Error(f, "invalid " + kind + " name '" + name +
                          "': use lower-case letters, digits, '_' or '-', starting with a letter or '_'");
  }
  return Status::Ok();
}

// Remembers names per kind and refuses a second declaration.
class Seen {
 public:
  Status Add(const Reader& r, const Field& f, const std::string& kind, const std::string& key) {
    if (!seen_.insert(kind + "\n" + key).second) return r.Error(f, kind + " " + key + " is declared twice");
    return Status::Ok();
  }

 private:
  std::set<std::string> seen_;
};

Result<access::PermissionSet> Permissions(const Reader& r, const Field& f, bool allow_empty) {
  WEIR_ASSIGN_OR_RETURN(auto items, r.List(f));
  access::PermissionSet set;
  for (const auto& item : items) {
    WEIR_ASSIGN_OR_RETURN(std::string name, r.String(item));
    auto p = access::ParsePermission(name);
    if (!p.ok()) return r.At(item).Wrap(p.status());
    set.Add(*p);
  }
  if (set.empty() && !allow_empty) return r.Error(f, "at least one permission is required");
  return set;
}

// The role a grant's principal names: "NAME", "role/NAME" or a role ARN.
Result<std::string> GrantRole(const Reader& r, const Field& f, const std::string& principal) {
  std::string name = principal;
  static constexpr std::string_view kArn = "arn:aws:iam::";
  if (name.rfind(kArn, 0) == 0) {
    auto slash = name.find(":role/");
    if (slash == std::string::npos) return r.Error(f, "a grant's principal must be a role: " + principal);
    name = name.substr(slash + 6);
  } else if (name.rfind("role/", 0) == 0) {
    name = name.substr(5);
  } else if (name.find('/') != std::string::npos) {
    return r.Error(f, "grants go to roles (role/NAME or a role ARN), not " + principal);
  }
  WEIR_RETURN_IF_ERROR(CheckName(r, f, "role", name));
  return name;
}

Status ParseColumns(const Reader& r, const Field& f, access::ColumnScope* scope, std::vector<std::string>* columns) {
  *scope = access::ColumnScope::kAll;
  columns->clear();
  if (!f.node.IsDefined() || f.node.IsNull()) return Status::Ok();
  if (f.node.IsScalar()) {
    if (f.node.Scalar() == "all") return Status::Ok();
    return r.Error(f, "expected 'all', {include: [...]} or {exclude: [...]}");
  }
  WEIR_ASSIGN_OR_RETURN(auto m, r.Map(f, {"include", "exclude"}));
  if (m.size() != 1) return r.Error(f, "give exactly one of include or exclude");
  auto& [key, list] = *m.begin();
  *scope = key == "include" ? access::ColumnScope::kInclude : access::ColumnScope::kExclude;
  WEIR_ASSIGN_OR_RETURN(*columns, r.Strings(list));
  if (columns->empty()) return r.Error(list, "at least one column is required");
  std::sort(columns->begin(), columns->end());
  columns->erase(std::unique(columns->begin(), columns->end()), columns->end());
  return Status::Ok();
}

Status ParseResource(const Reader& r, const Field& f, access::Grant* g) {
  WEIR_ASSIGN_OR_RETURN(auto m, r.Map(f, {"catalog", "database", "table_wildcard", "table", "data_cells_filter",
                                          "lf_tag_policy", "lf_tag"}));
  if (m.size() != 1) {
    return r.Error(f,
                   "give exactly one of catalog, database, table_wildcard, table, data_cells_filter, lf_tag_policy "
                   "or lf_tag");
  }
  const auto& [kind, field] = *m.begin();
  if (kind == "lf_tag_policy") {
    WEIR_ASSIGN_OR_RETURN(auto t, r.Map(field, {"resource_type", "expression"}));
    WEIR_ASSIGN_OR_RETURN(std::string type, r.RequiredString(t, field, "resource_type"));
    for (auto& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    if (type != "table" && type != "database") return r.Error(t["resource_type"], "expected table or database");
    g->kind = type == "table" ? access::ResourceKind::kLfTagPolicyTable : access::ResourceKind::kLfTagPolicyDatabase;
    if (!t.count("expression")) return r.Error(field, "missing field 'expression'");
    const Field& e = t["expression"];
    if (!e.node.IsMap() || e.node.size() == 0) {
      return r.Error(e, "expected a mapping of tag keys to lists of values, e.g. {classification: [public]}");
    }
    for (auto it = e.node.begin(); it != e.node.end(); ++it) {
      Field values{it->second, e.path + "." + it->first.as<std::string>()};
      access::TagCondition condition;
      condition.key = it->first.as<std::string>();
      if (values.node.IsScalar()) {
        WEIR_ASSIGN_OR_RETURN(std::string v, r.String(values));
        condition.values = {v};
      } else {
        WEIR_ASSIGN_OR_RETURN(condition.values, r.Strings(values));
      }
      g->expression.push_back(std::move(condition));
    }
    Status normalized = access::NormalizeTagExpression(&g->expression);
    if (!normalized.ok()) return r.At(e).Wrap(normalized);
    return Status::Ok();
  }
  if (kind == "lf_tag") {
    WEIR_ASSIGN_OR_RETURN(auto t, r.Map(field, {"key", "values"}));
    g->kind = access::ResourceKind::kLfTag;
    access::TagCondition condition;
    WEIR_ASSIGN_OR_RETURN(std::string key, r.RequiredString(t, field, "key"));
    auto norm_key = access::NormalizeTagKey(key);
    if (!norm_key.ok()) return r.At(t["key"]).Wrap(norm_key.status());
    condition.key = *norm_key;
    if (t.count("values")) {
      WEIR_ASSIGN_OR_RETURN(auto values, r.Strings(t["values"]));
      auto norm_values = access::NormalizeTagValues(values, true);
      if (!norm_values.ok()) return r.At(t["values"]).Wrap(norm_values.status());
      condition.values = *norm_values;
    }
    g->expression = {std::move(condition)};
    return Status::Ok();
  }
  if (kind == "catalog") {
    g->kind = access::ResourceKind::kCatalog;
    return Status::Ok();
  }
  if (kind == "database") {
    g->kind = access::ResourceKind::kDatabase;
    if (field.node.IsScalar()) {
      WEIR_ASSIGN_OR_RETURN(g->database, r.String(field));
    } else {
      WEIR_ASSIGN_OR_RETURN(auto d, r.Map(field, {"name"}));
      WEIR_ASSIGN_OR_RETURN(g->database, r.RequiredString(d, field, "name"));
    }
    return CheckName(r, field, "database", g->database);
  }
  if (kind == "table_wildcard") {
    g->kind = access::ResourceKind::kTableWildcard;
    WEIR_ASSIGN_OR_RETURN(auto d, r.Map(field, {"database"}));
    WEIR_ASSIGN_OR_RETURN(g->database, r.RequiredString(d, field, "database"));
    return CheckName(r, field, "database", g->database);
  }
  g->kind = access::ResourceKind::kTable;
  if (kind == "table") {
    WEIR_ASSIGN_OR_RETURN(auto t, r.Map(field, {"database", "name", "columns"}));
    WEIR_ASSIGN_OR_RETURN(g->database, r.RequiredString(t, field, "database"));
    WEIR_ASSIGN_OR_RETURN(g->table, r.RequiredString(t, field, "name"));
    if (auto it = t.find("columns"); it != t.end()) {
      WEIR_RETURN_IF_ERROR(ParseColumns(r, it->second, &g->scope, &g->columns));
    }
  } else {
    WEIR_ASSIGN_OR_RETURN(auto t, r.Map(field, {"database", "table", "name"}));
    WEIR_ASSIGN_OR_RETURN(g->database, r.RequiredString(t, field, "database"));
    WEIR_ASSIGN_OR_RETURN(g->table, r.RequiredString(t, field, "table"));
    WEIR_ASSIGN_OR_RETURN(g->filter, r.RequiredString(t, field, "name"));
    WEIR_RETURN_IF_ERROR(CheckName(r, field, "data cells filter", g->filter));
  }
  WEIR_RETURN_IF_ERROR(CheckName(r, field, "database", g->database));
  return CheckName(r, field, "table", g->table);
}

// One grant: {principal, permissions, grantable, resource}.
Result<access::Grant> ParseGrantField(const Reader& r, const Field& f) {
  WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"principal", "permissions", "grantable", "resource"}));
  access::Grant g;
  WEIR_ASSIGN_OR_RETURN(std::string principal, r.RequiredString(p, f, "principal"));
  WEIR_ASSIGN_OR_RETURN(g.role, GrantRole(r, p["principal"], principal));
  if (!p.count("permissions")) return r.Error(f, "missing field 'permissions'");
  WEIR_ASSIGN_OR_RETURN(g.permissions, Permissions(r, p["permissions"], false));
  if (p.count("grantable")) {
    WEIR_ASSIGN_OR_RETURN(g.grantable, Permissions(r, p["grantable"], true));
  }
  if (!g.permissions.Contains(g.grantable)) {
    return r.Error(p["grantable"], "grantable permissions must be among the granted permissions");
  }
  if (!p.count("resource")) return r.Error(f, "missing field 'resource'");
  WEIR_RETURN_IF_ERROR(ParseResource(r, p["resource"], &g));
  Status valid = access::CheckValid(g.permissions, g.Resource());
  if (!valid.ok()) return r.At(p["permissions"]).Wrap(valid);
  return g;
}

}  // namespace

Result<access::Grant> ParseGrant(const std::string& text, const std::string& source) {
  Reader r(source, Substitutions{});
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return r.Error({root, ""}, "a grant is a mapping with principal, permissions and resource");
    return ParseGrantField(r, {root, ""});
  } catch (const YAML::Exception& e) {
    Where w{source, e.mark.line + 1, e.mark.column + 1, ""};
    return w.Wrap(Status::InvalidArgument("invalid JSON: " + e.msg));
  }
}

Result<Stack> ParseStack(const std::string& text, const std::string& file, const Substitutions& subs) {
  Reader r(file, subs);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    Where w{file, e.mark.line + 1, e.mark.column + 1, ""};
    return w.Wrap(Status::InvalidArgument("invalid YAML: " + e.msg));
  }
  try {
    Stack stack;
    stack.file = file;
    stack.folder = std::filesystem::path(file).parent_path().string();
    Field top{root, ""};
    if (!root.IsMap()) return r.Error(top, "a stack file is a mapping with at least a 'stack' field");
    WEIR_ASSIGN_OR_RETURN(
        auto m, r.Map(top, {"stack", "description", "cluster", "policies", "roles", "users", "lake_admins", "databases",
                            "lf_tags", "tag_assignments", "data_cells_filters", "grants"}));
    WEIR_ASSIGN_OR_RETURN(stack.name, r.RequiredString(m, top, "stack"));
    WEIR_RETURN_IF_ERROR(CheckName(r, m["stack"], "stack", stack.name));
    Seen seen;

    if (auto it = m.find("cluster"); it != m.end()) {
      WEIR_ASSIGN_OR_RETURN(auto c, r.Map(it->second, {"tags"}));
      stack.cluster_where = r.At(it->second);
      if (auto t = c.find("tags"); t != c.end()) {
        WEIR_ASSIGN_OR_RETURN(stack.cluster_tags, r.Tags(t->second));
      }
    }

    WEIR_ASSIGN_OR_RETURN(auto policies, r.List(m["policies"]));
    for (const auto& f : policies) {
      WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"name", "description", "document"}));
      PolicySpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(spec.name, r.RequiredString(p, f, "name"));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["name"], "policy", spec.name));
      WEIR_RETURN_IF_ERROR(seen.Add(r, p["name"], "policy", spec.name));
      WEIR_ASSIGN_OR_RETURN(spec.description, r.OptionalString(p, "description"));
      if (!p.count("document")) return r.Error(f, "missing field 'document'");
      WEIR_ASSIGN_OR_RETURN(spec.document, r.Document(p["document"], iam::PolicyKind::kIdentity));
      stack.policies.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto roles, r.List(m["roles"]));
    for (const auto& f : roles) {
      WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"name", "description", "existing", "trust_policy", "policies",
                                              "managed_policies", "tags", "max_session_duration"}));
      RoleSpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(spec.name, r.RequiredString(p, f, "name"));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["name"], "role", spec.name));
      WEIR_RETURN_IF_ERROR(seen.Add(r, p["name"], "role", spec.name));
      WEIR_ASSIGN_OR_RETURN(spec.description, r.OptionalString(p, "description"));
      if (p.count("existing")) {
        WEIR_ASSIGN_OR_RETURN(spec.existing, r.Bool(p["existing"]));
      }
      if (p.count("trust_policy")) {
        if (spec.existing) {
          return r.Error(p["trust_policy"], "a role declared with existing: true keeps its own trust policy");
        }
        WEIR_ASSIGN_OR_RETURN(spec.trust_policy, r.Document(p["trust_policy"], iam::PolicyKind::kTrust));
      }
      if (auto it = p.find("policies"); it != p.end() && it->second.node.IsDefined() && !it->second.node.IsNull()) {
        if (!it->second.node.IsMap()) return r.Error(it->second, "expected a mapping of policy names to documents");
        for (auto pi = it->second.node.begin(); pi != it->second.node.end(); ++pi) {
          std::string name = pi->first.as<std::string>();
          Field doc{pi->second, it->second.path + "." + name};
          WEIR_RETURN_IF_ERROR(CheckName(r, doc, "policy", name));
          WEIR_ASSIGN_OR_RETURN(spec.inline_policies[name], r.Document(doc, iam::PolicyKind::kIdentity));
        }
      }
      if (p.count("managed_policies")) {
        WEIR_ASSIGN_OR_RETURN(spec.managed_policies, r.Strings(p["managed_policies"]));
        std::sort(spec.managed_policies.begin(), spec.managed_policies.end());
        spec.managed_policies.erase(std::unique(spec.managed_policies.begin(), spec.managed_policies.end()),
                                    spec.managed_policies.end());
      }
      if (p.count("tags")) {
        WEIR_ASSIGN_OR_RETURN(spec.tags, r.Tags(p["tags"]));
      }
      if (p.count("max_session_duration")) {
        if (spec.existing) {
          return r.Error(p["max_session_duration"],
                         "a role declared with existing: true keeps its own max session duration");
        }
        WEIR_ASSIGN_OR_RETURN(std::string s, r.String(p["max_session_duration"]));
        char* end = nullptr;
        long long v = std::strtoll(s.c_str(), &end, 10);
        if (s.empty() || *end != '\0' || v < 3600 || v > 43200) {
          return r.Error(p["max_session_duration"], "expected seconds between 3600 and 43200, not '" + s + "'");
        }
        spec.max_session_duration_s = v;
      }
      stack.roles.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto users, r.List(m["users"]));
    for (const auto& f : users) {
      WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"name", "execution_role", "password", "tags", "enabled"}));
      UserSpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(spec.name, r.RequiredString(p, f, "name"));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["name"], "user", spec.name));
      WEIR_RETURN_IF_ERROR(seen.Add(r, p["name"], "user", spec.name));
      WEIR_ASSIGN_OR_RETURN(spec.execution_role, r.RequiredString(p, f, "execution_role"));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["execution_role"], "role", spec.execution_role));
      if (p.count("password")) {
        WEIR_ASSIGN_OR_RETURN(auto pw, r.Map(p["password"], {"env", "generate"}));
        if (pw.size() != 1) return r.Error(p["password"], "give exactly one of env or generate");
        if (pw.count("env")) {
          spec.password.source = PasswordSpec::Source::kEnv;
          WEIR_ASSIGN_OR_RETURN(spec.password.env, r.String(pw["env"]));
        } else {
          spec.password.source = PasswordSpec::Source::kGenerate;
          WEIR_ASSIGN_OR_RETURN(spec.password.file, r.String(pw["generate"]));
        }
      }
      if (p.count("tags")) {
        WEIR_ASSIGN_OR_RETURN(spec.tags, r.Tags(p["tags"]));
      }
      if (p.count("enabled")) {
        WEIR_ASSIGN_OR_RETURN(spec.enabled, r.Bool(p["enabled"]));
      }
      stack.users.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto admins, r.List(m["lake_admins"]));
    for (const auto& f : admins) {
      LakeAdminSpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(spec.principal, r.String(f));
      auto slash = spec.principal.find('/');
      std::string kind = slash == std::string::npos ? "" : spec.principal.substr(0, slash);
      if (kind != "user" && kind != "role") return r.Error(f, "expected user/NAME or role/NAME");
      WEIR_RETURN_IF_ERROR(CheckName(r, f, kind, spec.principal.substr(slash + 1)));
      WEIR_RETURN_IF_ERROR(seen.Add(r, f, "lake admin", spec.principal));
      stack.lake_admins.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto databases, r.List(m["databases"]));
    for (const auto& f : databases) {
      WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"name", "description", "existing", "tables"}));
      DatabaseSpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(spec.name, r.RequiredString(p, f, "name"));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["name"], "database", spec.name));
      WEIR_RETURN_IF_ERROR(seen.Add(r, p["name"], "database", spec.name));
      WEIR_ASSIGN_OR_RETURN(spec.description, r.OptionalString(p, "description"));
      if (p.count("existing")) {
        WEIR_ASSIGN_OR_RETURN(spec.existing, r.Bool(p["existing"]));
      }
      WEIR_ASSIGN_OR_RETURN(auto tables, r.List(p["tables"]));
      for (const auto& tf : tables) {
        WEIR_ASSIGN_OR_RETURN(auto t, r.Map(tf, {"name", "location", "format", "columns"}));
        TableSpec table;
        table.where = r.At(tf);
        table.database = spec.name;
        WEIR_ASSIGN_OR_RETURN(table.name, r.RequiredString(t, tf, "name"));
        WEIR_RETURN_IF_ERROR(CheckName(r, t["name"], "table", table.name));
        WEIR_RETURN_IF_ERROR(seen.Add(r, t["name"], "table", spec.name + "." + table.name));
        WEIR_ASSIGN_OR_RETURN(table.location, r.RequiredString(t, tf, "location"));
        std::filesystem::path loc(table.location);
        if (loc.is_absolute() ||
            std::any_of(loc.begin(), loc.end(), [](const std::filesystem::path& part) { return part == ".."; })) {
          return r.Error(t["location"], "a table location is relative to the lake root, without '..'");
        }
        if (t.count("format")) {
          WEIR_ASSIGN_OR_RETURN(std::string format, r.String(t["format"]));
          if (!catalog::ParseFormat(format, &table.format)) {
            return r.Error(t["format"], "unknown format '" + format + "' (parquet or csv)");
          }
        }
        if (t.count("columns")) {
          WEIR_ASSIGN_OR_RETURN(auto cols, r.List(t["columns"]));
          std::vector<catalog::Column> columns;
          for (const auto& cf : cols) {
            WEIR_ASSIGN_OR_RETURN(auto c, r.Map(cf, {"name", "type"}));
            catalog::Column column;
            WEIR_ASSIGN_OR_RETURN(column.name, r.RequiredString(c, cf, "name"));
            WEIR_ASSIGN_OR_RETURN(column.type, r.RequiredString(c, cf, "type"));
            std::transform(column.type.begin(), column.type.end(), column.type.begin(),
                           [](unsigned char ch) { return static_cast<char>(std::toupper(ch)); });
            columns.push_back(std::move(column));
          }
          table.columns = std::move(columns);
        }
        stack.tables.push_back(std::move(table));
      }
      stack.databases.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto tags, r.List(m["lf_tags"]));
    for (const auto& f : tags) {
      WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"key", "values"}));
      LfTagSpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(std::string key, r.RequiredString(p, f, "key"));
      auto normalized = access::NormalizeTagKey(key);
      if (!normalized.ok()) return r.At(p["key"]).Wrap(normalized.status());
      spec.tag.key = *normalized;
      WEIR_RETURN_IF_ERROR(seen.Add(r, p["key"], "LF-Tag", spec.tag.key));
      if (!p.count("values")) return r.Error(f, "missing field 'values'");
      WEIR_ASSIGN_OR_RETURN(auto values, r.Strings(p["values"]));
      auto norm_values = access::NormalizeTagValues(values);
      if (!norm_values.ok()) return r.At(p["values"]).Wrap(norm_values.status());
      spec.tag.values = *norm_values;
      stack.lf_tags.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto assignments, r.List(m["tag_assignments"]));
    for (const auto& f : assignments) {
      WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"database", "table", "column", "tags"}));
      TagAssignmentSpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(spec.resource.database, r.RequiredString(p, f, "database"));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["database"], "database", spec.resource.database));
      WEIR_ASSIGN_OR_RETURN(spec.resource.table, r.OptionalString(p, "table"));
      WEIR_ASSIGN_OR_RETURN(spec.resource.column, r.OptionalString(p, "column"));
      if (!spec.resource.table.empty()) WEIR_RETURN_IF_ERROR(CheckName(r, p["table"], "table", spec.resource.table));
      if (!spec.resource.column.empty() && spec.resource.table.empty()) {
        return r.Error(p["column"], "a column's tags need the table too");
      }
      WEIR_RETURN_IF_ERROR(seen.Add(r, f, "tag assignment to", spec.resource.Label()));
      if (!p.count("tags")) return r.Error(f, "missing field 'tags'");
      WEIR_ASSIGN_OR_RETURN(auto pairs, r.Tags(p["tags"]));
      if (pairs.empty()) return r.Error(p["tags"], "at least one KEY: VALUE is required");
      for (const auto& [k, v] : pairs) {
        auto key = access::NormalizeTagKey(k);
        if (!key.ok()) return r.At(p["tags"]).Wrap(key.status());
        auto value = access::NormalizeTagValue(v);
        if (!value.ok()) return r.At(p["tags"]).Wrap(value.status());
        spec.tags[*key] = *value;
      }
      stack.tag_assignments.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto filters, r.List(m["data_cells_filters"]));
    for (const auto& f : filters) {
      WEIR_ASSIGN_OR_RETURN(auto p, r.Map(f, {"name", "database", "table", "row_filter", "columns"}));
      FilterSpec spec;
      spec.where = r.At(f);
      auto& d = spec.filter;
      WEIR_ASSIGN_OR_RETURN(d.name, r.RequiredString(p, f, "name"));
      WEIR_ASSIGN_OR_RETURN(d.database, r.RequiredString(p, f, "database"));
      WEIR_ASSIGN_OR_RETURN(d.table, r.RequiredString(p, f, "table"));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["name"], "data cells filter", d.name));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["database"], "database", d.database));
      WEIR_RETURN_IF_ERROR(CheckName(r, p["table"], "table", d.table));
      WEIR_RETURN_IF_ERROR(seen.Add(r, p["name"], "data cells filter", d.database + "." + d.table + "." + d.name));
      WEIR_ASSIGN_OR_RETURN(d.row_filter, r.OptionalString(p, "row_filter"));
      if (!d.row_filter.empty()) {
        auto parsed = access::ParseRowFilter(d.row_filter);
        if (!parsed.ok()) return r.At(p["row_filter"]).Wrap(parsed.status());
      }
      if (p.count("columns")) WEIR_RETURN_IF_ERROR(ParseColumns(r, p["columns"], &d.scope, &d.columns));
      stack.filters.push_back(std::move(spec));
    }

    WEIR_ASSIGN_OR_RETURN(auto grants, r.List(m["grants"]));
    for (const auto& f : grants) {
      GrantSpec spec;
      spec.where = r.At(f);
      WEIR_ASSIGN_OR_RETURN(spec.grant, ParseGrantField(r, f));
      std::string key = spec.grant.role + " " + spec.grant.ResourceLabel();
      WEIR_RETURN_IF_ERROR(seen.Add(r, f, "grant to", key));
      stack.grants.push_back(std::move(spec));
    }
    return stack;
  } catch (const YAML::Exception& e) {
    Where w{file, e.mark.line + 1, e.mark.column + 1, ""};
    return w.Wrap(Status::InvalidArgument(e.msg));
  }
}

Result<Stack> LoadStack(const std::string& path, const Substitutions& subs) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (!std::filesystem::exists(path)) return Status::NotFound("stack file " + path + " does not exist");
    return Status::IoError("cannot read stack file " + path);
  }
  std::stringstream text;
  text << in.rdbuf();
  return ParseStack(text.str(), path, subs);
}

}  // namespace weir::stack
