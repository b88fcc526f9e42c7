// Parsing and validation: JSON text → compiled PolicyData.

#include "iam/policy.h"

#include <algorithm>
#include <cassert>
#include <exception>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "iam/policy_error.h"
#include "iam/policy_internal.h"

namespace weir::iam {

namespace {

using internal::AwsPrincipal;
using internal::InvalidAt;
using internal::PolicyData;
using internal::PrincipalSpec;
using internal::QuoteValue;
using internal::ResourcePattern;
using internal::Statement;
using internal::ValueTemplate;
using nlohmann::json;

constexpr std::string_view kVersion2012 = "2012-10-17";
constexpr std::string_view kVersion2008 = "2008-10-17";

std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string Index(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// ---------------------------------------------------------------------------
// Structural pass over the JSON text: syntax, depth, duplicate keys — the
// things a DOM parser would silently accept or blow the stack on.

class StructureChecker : public nlohmann::json_sax<json> {
 public:
  explicit StructureChecker(size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return Value(); }
  bool boolean(bool) override { return Value(); }
  bool number_integer(number_integer_t) override { return Value(); }
  bool number_unsigned(number_unsigned_t) override { return Value(); }
  bool number_float(number_float_t, const string_t&) override { return Value(); }
  bool string(string_t&) override { return Value(); }
  bool binary(binary_t&) override { return Value(); }
  bool start_object(std::size_t) override { return Push(false); }
  bool end_object() override { return Pop(); }
  bool start_array(std::size_t) override { return Push(true); }
  bool end_array() override { return Pop(); }
  bool key(string_t& name) override {
    Frame& top = stack_.back();
    top.key = name;
    top.has_key = true;
    if (!top.keys.insert(name).second) return Error(Path(), "duplicate key");
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    std::string what = ex.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 3: ..." → the part after the tag.
    if (auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    return Error(Path(), "invalid JSON (byte " + std::to_string(position) + "): " + what);
  }

  bool failed() const { return failed_; }
  const std::string& error_path() const { return error_path_; }
  const std::string& error_message() const { return error_message_; }

 private:
  struct Frame {
    bool array = false;
    size_t index = 0;
    bool has_key = false;
    std::string key;
    std::set<std::string> keys;
  };

  bool Value() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
    return true;
  }
  bool Push(bool array) {
    if (stack_.size() >= max_depth_) {
      return Error(Path(), "JSON nested deeper than " + std::to_string(max_depth_) + " levels");
    }
    stack_.push_back(Frame{array, 0, false, {}, {}});
    return true;
  }
  bool Pop() {
    stack_.pop_back();
    return Value();
  }
  std::string Path() const {
    std::string out;
    for (const Frame& f : stack_) {
      if (f.array) {
        out = Index(out, f.index);
      } else if (f.has_key) {
        out = Join(out, f.key);
      }
    }
    return out;
  }
  bool Error(std::string path, std::string message) {
    failed_ = true;
    error_path_ = std::move(path);
    error_message_ = std::move(message);
    return false;
  }

  size_t max_depth_;
  std::vector<Frame> stack_;
  bool failed_ = false;
  std::string error_path_;
  std::string error_message_;
};

// ---------------------------------------------------------------------------
// Element checks.

bool IsAlphanumeric(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); });
}

bool IsAccountId(std::string_view s) {
  return s.size() == 12 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsActionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '*' || c == '?';
}

// "*" or "service:Action", wildcards allowed on either side.
bool IsValidAction(std::string_view action) {
  if (action == "*") return true;
  size_t colon = action.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == action.size()) return false;
  std::string_view service = action.substr(0, colon);
  std::string_view name = action.substr(colon + 1);
  return std::all_of(service.begin(), service.end(), IsActionChar) &&
         std::all_of(name.begin(), name.end(), IsActionChar);
}

// A string, or a non-empty array of strings: the shape of Action, Resource
// and principal lists. Calls `each(text, path)` for every entry.
template <typename Each>
Status ForEachString(const json& value, const std::string& path, const char* what, PolicyError* error, Each&& each) {
  if (value.is_string()) return each(value.get_ref<const std::string&>(), path);
  if (!value.is_array()) return InvalidAt(error, path, std::string("expected a string or a list of ") + what);
  if (value.empty()) return InvalidAt(error, path, std::string("empty list of ") + what);
  for (size_t i = 0; i < value.size(); ++i) {
    const std::string item_path = Index(path, i);
    if (!value[i].is_string()) return InvalidAt(error, item_path, std::string("expected a string (") + what + ")");
    WEIR_RETURN_IF_ERROR(each(value[i].get_ref<const std::string&>(), item_path));
  }
  return Status::Ok();
}

internal::ActionPattern CompileAction(const std::string& text) {
  internal::ActionPattern out;
  std::string lower = internal::ToLowerAscii(text);
  out.text = lower;
  size_t colon = lower.find(':');
  if (colon == std::string::npos || HasWildcard(std::string_view(lower).substr(0, colon))) {
    out.whole = true;
    out.pattern = WildcardPattern::FromPlain(lower);
    return out;
  }
  out.service = lower.substr(0, colon);
  out.service_hash = internal::Fingerprint(out.service);
  out.pattern = WildcardPattern::FromPlain(std::string_view(lower).substr(colon + 1));
  return out;
}

Status ParseAwsPrincipal(const std::string& text, const std::string& path, PrincipalSpec* spec, PolicyError* error) {
  if (text == "*") {
    spec->wildcard = true;
    return Status::Ok();
  }
  if (HasWildcard(text)) {
    return InvalidAt(error, path,
                     "wildcards are not allowed in a principal " + QuoteValue(text) + " (use \"*\" alone)");
  }
  if (text.find("${") != std::string::npos) {
    return InvalidAt(error, path, "policy variables are not allowed in a principal " + QuoteValue(text));
  }
  AwsPrincipal p;
  p.arn = text;
  if (IsAccountId(text)) {
    p.type = AwsPrincipal::Type::kAccount;
    p.account = text;
    spec->aws.push_back(std::move(p));
    return Status::Ok();
  }
  auto arn = ParseArn(text);
  if (!arn || !IsAccountId(arn->account) || !arn->region.empty()) {
    return InvalidAt(
        error, path,
        "invalid AWS principal " + QuoteValue(text) + " (expected \"*\", a 12-digit account id or an IAM/STS ARN)");
  }
  p.partition = std::string(arn->partition);
  p.account = std::string(arn->account);
  std::string_view res = arn->resource;
  auto starts = [&res](std::string_view prefix) {
    return res.size() > prefix.size() && res.substr(0, prefix.size()) == prefix;
  };
  if (arn->service == "iam" && res == "root") {
    p.type = AwsPrincipal::Type::kAccount;
  } else if (arn->service == "iam" && starts("user/")) {
    p.type = AwsPrincipal::Type::kUser;
  } else if (arn->service == "iam" && starts("role/")) {
    p.type = AwsPrincipal::Type::kRole;
    p.role_name = std::string(res.substr(res.rfind('/') + 1));
    if (p.role_name.empty()) return InvalidAt(error, path, "invalid role ARN " + QuoteValue(text));
  } else if (arn->service == "sts" && starts("assumed-role/")) {
    std::string_view rest = res.substr(std::string_view("assumed-role/").size());
    size_t slash = rest.find('/');
    if (slash == 0 || slash == std::string_view::npos || slash + 1 == rest.size()) {
      return InvalidAt(error, path,
                       "invalid assumed-role ARN " + QuoteValue(text) + " (expected assumed-role/ROLE/SESSION)");
    }
    p.type = AwsPrincipal::Type::kAssumedRole;
  } else if (arn->service == "sts" && starts("federated-user/")) {
    p.type = AwsPrincipal::Type::kFederatedUser;
  } else {
    return InvalidAt(error, path,
                     "unsupported principal ARN " + QuoteValue(text) +
                         " (expected an account, user, role, assumed-role or federated-user ARN)");
  }
  spec->aws.push_back(std::move(p));
  return Status::Ok();
}

Status ParsePrincipal(const json& value, const std::string& path, PrincipalSpec* spec, PolicyError* error) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>() != "*") {
      return InvalidAt(error, path, "expected \"*\" or an object such as {\"AWS\": \"arn:...\"}");
    }
    spec->wildcard = true;
    return Status::Ok();
  }
  if (!value.is_object()) return InvalidAt(error, path, "expected \"*\" or an object such as {\"AWS\": \"arn:...\"}");
  if (value.empty()) return InvalidAt(error, path, "no principals");
  for (const auto& item : value.items()) {
    const std::string& type = item.key();
    const json& list = item.value();
    const std::string type_path = Join(path, type);
    if (type == "AWS") {
      WEIR_RETURN_IF_ERROR(ForEachString(
          list, type_path, "principals", error,
          [&](const std::string& s, const std::string& p) { return ParseAwsPrincipal(s, p, spec, error); }));
    } else if (type == "Service" || type == "Federated" || type == "CanonicalUser") {
      WEIR_RETURN_IF_ERROR(
          ForEachString(list, type_path, "principals", error, [&](const std::string& s, const std::string& p) {
            if (s.empty()) return InvalidAt(error, p, "empty principal");
            if (HasWildcard(s)) return InvalidAt(error, p, "wildcards are not allowed in a principal " + QuoteValue(s));
            if (s.find("${") != std::string::npos) {
              return InvalidAt(error, p, "policy variables are not allowed in a principal " + QuoteValue(s));
            }
            if (type == "Service") {
              spec->services.push_back(internal::ToLowerAscii(s));
            } else if (type == "Federated") {
              spec->federated.push_back(s);
            } else {
              spec->canonical.push_back(s);
            }
            return Status::Ok();
          }));
    } else {
      return InvalidAt(error, type_path, "unknown principal type (expected AWS, Service, Federated or CanonicalUser)");
    }
  }
  return Status::Ok();
}

Status ParseResource(const std::string& text, bool variables, const std::string& path, ResourcePattern* out,
                     PolicyError* error) {
  if (text == "*") {
    out->anything = true;
    return Status::Ok();
  }
  auto tmpl = ValueTemplate::Parse(text, variables);
  if (!tmpl.ok()) return InvalidAt(error, path, tmpl.status().message());
  if (!tmpl->is_single_variable() && !IsArnPatternShape(tmpl->EscapedWithPlaceholders('x'))) {
    return InvalidAt(error, path, "malformed ARN " + QuoteValue(text));
  }
  if (tmpl->has_variables()) {
    out->dynamic = std::move(tmpl).value();
    return Status::Ok();
  }
  auto arn = ArnPattern::FromEscaped(tmpl->escaped());
  if (!arn) return InvalidAt(error, path, "ARN too long " + QuoteValue(text));
  out->arn = std::move(*arn);
  return Status::Ok();
}

bool Has(const json& object, const char* key) { return object.find(key) != object.end(); }

// Collects the distinct entries of one kind (PolicyData::action_lists,
// resource_lists, conditions) while a policy is compiled.
template <typename T>
class Interner {
 public:
  explicit Interner(std::vector<T>* items) : items_(items) {}

  // The index of the entry with `signature`, adding `item` when there is none.
  // Equal signatures must mean entries that evaluate alike.
  uint32_t Intern(const std::string& signature, T item) {
    auto [it, inserted] = ids_.emplace(signature, static_cast<uint32_t>(items_->size()));
    if (inserted) items_->push_back(std::move(item));
    return it->second;
  }

 private:
  std::vector<T>* items_;
  std::map<std::string, uint32_t> ids_;
};

// Where ParseStatement puts a statement's parts.
struct StatementParts {
  explicit StatementParts(PolicyData* policy)
      : data(policy),
        actions(&policy->action_lists),
        resources(&policy->resource_lists),
        conditions(&policy->conditions) {}
  PolicyData* data;
  Interner<internal::ActionList> actions;
  Interner<internal::ResourceList> resources;
  Interner<internal::Condition> conditions;
};

// Appends `text` to `*signature`, length-prefixed so that lists cannot collide.
void AppendSignature(std::string_view text, std::string* signature) {
  *signature += std::to_string(text.size());
  *signature += ':';
  *signature += text;
}

Status ParseStatement(const json& s, const std::string& path, size_t index, PolicyKind kind, bool variables,
                      std::map<std::string, std::string>* sids, StatementParts* parts, Statement* out,
                      PolicyError* error) {
  if (!s.is_object()) return InvalidAt(error, path, "a statement must be a JSON object");
  static const std::set<std::string> kKnown = {"Sid",       "Effect",   "Principal",   "NotPrincipal", "Action",
                                               "NotAction", "Resource", "NotResource", "Condition"};
  for (const auto& [key, unused] : s.items()) {
    if (kKnown.count(key) == 0) return InvalidAt(error, Join(path, key), "unknown statement element");
  }

  // Sid
  out->label = std::to_string(index);
  if (auto it = s.find("Sid"); it != s.end()) {
    const std::string sid_path = Join(path, "Sid");
    if (!it->is_string()) return InvalidAt(error, sid_path, "Sid must be a string");
    const auto& sid = it->get_ref<const std::string&>();
    if (!sid.empty()) {
      if (!IsAlphanumeric(sid)) {
        return InvalidAt(error, sid_path, "Sid " + QuoteValue(sid) + " may contain only ASCII letters and digits");
      }
      auto [pos, inserted] = sids->emplace(sid, path);
      if (!inserted)
        return InvalidAt(error, sid_path, "duplicate Sid " + QuoteValue(sid) + " (also in " + pos->second + ")");
      out->label = sid;
    }
  }

  // Effect
  auto effect = s.find("Effect");
  if (effect == s.end()) return InvalidAt(error, path, "missing Effect");
  if (!effect->is_string() || (*effect != "Allow" && *effect != "Deny")) {
    return InvalidAt(error, Join(path, "Effect"),
                     "expected \"Allow\" or \"Deny\", got " +
                         QuoteValue(effect->is_string() ? effect->get<std::string>() : effect->dump()));
  }
  out->effect = *effect == "Allow" ? Effect::kAllow : Effect::kDeny;

  // Principal / NotPrincipal
  bool has_principal = Has(s, "Principal");
  bool has_not_principal = Has(s, "NotPrincipal");
  if (has_principal && has_not_principal)
    return InvalidAt(error, path, "Principal and NotPrincipal are mutually exclusive");
  if (has_principal || has_not_principal) {
    const char* name = has_principal ? "Principal" : "NotPrincipal";
    if (kind == PolicyKind::kIdentity) {
      return InvalidAt(error, Join(path, name), "not allowed in an identity-based policy");
    }
    PrincipalSpec principal;
    principal.present = true;
    principal.negated = has_not_principal;
    WEIR_RETURN_IF_ERROR(ParsePrincipal(s.at(name), Join(path, name), &principal, error));
    out->principal = static_cast<uint32_t>(parts->data->principals.size());
    parts->data->principals.push_back(std::move(principal));
  } else if (kind == PolicyKind::kResource || kind == PolicyKind::kTrust) {
    return InvalidAt(error, path, "missing Principal or NotPrincipal");
  }

  // Action / NotAction
  bool has_action = Has(s, "Action");
  bool has_not_action = Has(s, "NotAction");
  if (has_action && has_not_action) return InvalidAt(error, path, "Action and NotAction are mutually exclusive");
  if (!has_action && !has_not_action) return InvalidAt(error, path, "missing Action or NotAction");
  {
    const char* name = has_action ? "Action" : "NotAction";
    out->not_action = has_not_action;
    internal::ActionList actions;
    std::string signature;
    WEIR_RETURN_IF_ERROR(
        ForEachString(s.at(name), Join(path, name), "actions", error, [&](const std::string& a, const std::string& p) {
          if (!IsValidAction(a)) {
            return InvalidAt(error, p, "invalid action " + QuoteValue(a) + " (expected 'service:ActionName' or '*')");
          }
          actions.push_back(CompileAction(a));
          AppendSignature(actions.back().text, &signature);
          return Status::Ok();
        }));
    out->actions = parts->actions.Intern(signature, std::move(actions));
  }

  // Resource / NotResource
  bool has_resource = Has(s, "Resource");
  bool has_not_resource = Has(s, "NotResource");
  if (has_resource && has_not_resource)
    return InvalidAt(error, path, "Resource and NotResource are mutually exclusive");
  if (has_resource || has_not_resource) {
    const char* name = has_resource ? "Resource" : "NotResource";
    if (kind == PolicyKind::kTrust) return InvalidAt(error, Join(path, name), "not allowed in a trust policy");
    out->has_resource = true;
    out->not_resource = has_not_resource;
    internal::ResourceList resources;
    std::string signature;
    WEIR_RETURN_IF_ERROR(ForEachString(s.at(name), Join(path, name), "resources", error,
                                       [&](const std::string& r, const std::string& p) {
                                         ResourcePattern pattern;
                                         WEIR_RETURN_IF_ERROR(ParseResource(r, variables, p, &pattern, error));
                                         resources.push_back(std::move(pattern));
                                         AppendSignature(r, &signature);
                                         return Status::Ok();
                                       }));
    out->resources = parts->resources.Intern(signature, std::move(resources));
  } else if (kind != PolicyKind::kTrust && !(kind == PolicyKind::kAny && out->principal != internal::kNoPrincipal)) {
    return InvalidAt(error, path, "missing Resource or NotResource");
  }

  // Condition
  if (auto it = s.find("Condition"); it != s.end()) {
    const std::string cond_path = Join(path, "Condition");
    if (!it->is_object()) return InvalidAt(error, cond_path, "expected an object mapping condition operators to keys");
    std::vector<internal::Condition> compiled;
    for (const auto& [op, block] : it->items()) {
      WEIR_RETURN_IF_ERROR(internal::CompileConditionBlock(op, block, variables, cond_path, &compiled, error));
    }
    // Conditions AND together and have no side effects, so the cheap ones go
    // first: a failing string test spares parsing dates and addresses.
    std::stable_sort(compiled.begin(), compiled.end(), [](const internal::Condition& a, const internal::Condition& b) {
      return internal::ConditionCost(a) < internal::ConditionCost(b);
    });
    auto& ids = parts->data->statement_conditions;
    out->conditions_begin = static_cast<uint32_t>(ids.size());
    for (auto& c : compiled) {
      std::string signature = c.signature;
      ids.push_back(parts->conditions.Intern(signature, std::move(c)));
    }
    out->conditions_end = static_cast<uint32_t>(ids.size());
  }
  return Status::Ok();
}

}  // namespace

namespace internal {

namespace {

// Buckets by key, filled statement after statement.
class BucketsBuilder {
 public:
  explicit BucketsBuilder(std::vector<ActionIndex::Bucket>* buckets) : buckets_(buckets) {}

  // Adds statement `index` to the bucket for `key`, creating it.
  void Add(std::string_view key, uint32_t index) {
    auto [it, inserted] = positions_.emplace(std::string(key), buckets_->size());
    if (inserted) {
      buckets_->push_back(ActionIndex::Bucket{Fingerprint(key), std::string(key), {index}});
      return;
    }
    // Statements arrive in order; one naming a key twice is added once.
    auto& statements = (*buckets_)[it->second].statements;
    if (statements.back() != index) statements.push_back(index);
  }

 private:
  std::vector<ActionIndex::Bucket>* buckets_;
  std::map<std::string, size_t, std::less<>> positions_;
};

void SortBuckets(std::vector<ActionIndex::Bucket>* buckets) {
  std::sort(buckets->begin(), buckets->end(), [](const ActionIndex::Bucket& a, const ActionIndex::Bucket& b) {
    return a.fingerprint != b.fingerprint ? a.fingerprint < b.fingerprint : a.key < b.key;
  });
}

}  // namespace

void BuildActionIndex(PolicyData* data) {
  ActionIndex index;
  BucketsBuilder actions(&index.actions), services(&index.services);
  for (size_t i = 0; i < data->statements.size(); ++i) {
    const Statement& s = data->statements[i];
    const auto n = static_cast<uint32_t>(i);
    const ActionList& patterns = data->action_lists[s.actions];
    if (s.not_action || std::any_of(patterns.begin(), patterns.end(), [](const ActionPattern& a) { return a.whole; })) {
      index.always.push_back(n);
      continue;
    }
    for (const ActionPattern& a : patterns) {
      if (HasWildcard(a.text)) {
        services.Add(a.service, n);
      } else {
        actions.Add(a.text, n);
      }
    }
  }
  SortBuckets(&index.actions);
  SortBuckets(&index.services);
  index.built = true;
  data->index = std::move(index);
}

Policy PolicyAccess::Reference(const Policy& policy) {
  auto data = std::make_shared<PolicyData>(*policy.data_);
  data->index = ActionIndex{};
  data->reference = true;
  return Policy(std::move(data));
}

}  // namespace internal

Status ValidateJsonText(std::string_view json_text, size_t max_depth, PolicyError* error) {
  StructureChecker checker(max_depth);
  try {
    json::sax_parse(json_text.begin(), json_text.end(), &checker);
  } catch (const std::exception& e) {
    return InvalidAt(error, "", std::string("invalid JSON: ") + e.what());
  }
  if (checker.failed()) return InvalidAt(error, checker.error_path(), checker.error_message());
  return Status::Ok();
}

Result<Policy> Policy::Parse(std::string_view text, PolicyKind kind, PolicyError* error) {
  if (text.size() > kMaxPolicyBytes) {
    return InvalidAt(error, "",
                     "policy document is " + std::to_string(text.size()) + " bytes; the limit is " +
                         std::to_string(kMaxPolicyBytes));
  }
  WEIR_RETURN_IF_ERROR(ValidateJsonText(text, kMaxPolicyDepth, error));
  json doc;
  try {
    doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  } catch (const std::exception& e) {
    return InvalidAt(error, "", std::string("invalid JSON: ") + e.what());
  }
  if (doc.is_discarded()) return InvalidAt(error, "", "invalid JSON");
  if (!doc.is_object()) return InvalidAt(error, "", "a policy document must be a JSON object");

  try {
    for (const auto& [key, unused] : doc.items()) {
      if (key != "Version" && key != "Id" && key != "Statement") {
        return InvalidAt(error, key, "unknown policy element (expected Version, Id and Statement)");
      }
    }
    auto data = std::make_shared<PolicyData>();
    data->kind = kind;
    data->version = std::string(kVersion2008);
    if (auto it = doc.find("Version"); it != doc.end()) {
      if (!it->is_string() || (*it != kVersion2012 && *it != kVersion2008)) {
        return InvalidAt(error, "Version",
                         "unsupported policy language version " +
                             QuoteValue(it->is_string() ? it->get<std::string>() : it->dump()) +
                             " (expected \"2012-10-17\" or \"2008-10-17\")");
      }
      data->version = it->get<std::string>();
    }
    if (auto it = doc.find("Id"); it != doc.end()) {
      if (!it->is_string()) return InvalidAt(error, "Id", "Id must be a string");
      data->id = it->get<std::string>();
    }
    const bool variables = data->version == kVersion2012;

    auto statements = doc.find("Statement");
    if (statements == doc.end()) return InvalidAt(error, "", "missing Statement");
    std::map<std::string, std::string> sids;
    StatementParts parts(data.get());
    if (statements->is_object()) {
      Statement s;
      WEIR_RETURN_IF_ERROR(ParseStatement(*statements, "Statement", 0, kind, variables, &sids, &parts, &s, error));
      data->statements.push_back(std::move(s));
    } else if (statements->is_array()) {
      if (statements->empty()) return InvalidAt(error, "Statement", "no statements");
      for (size_t i = 0; i < statements->size(); ++i) {
        Statement s;
        WEIR_RETURN_IF_ERROR(
            ParseStatement((*statements)[i], Index("Statement", i), i, kind, variables, &sids, &parts, &s, error));
        data->statements.push_back(std::move(s));
      }
    } else {
      return InvalidAt(error, "Statement", "expected a statement object or a list of statements");
    }
    if (data->statements.size() >= internal::kMinIndexedStatements) internal::BuildActionIndex(data.get());
    return Policy(std::move(data));
  } catch (const std::exception& e) {
    // nlohmann reports type confusion by exception; every access above is
    // type-checked first, so this is a bug, but it must not escape.
    return InvalidAt(error, "", std::string("internal error while reading the policy: ") + e.what());
  }
}

const std::string& Policy::version() const { return data_->version; }
const std::string& Policy::id() const { return data_->id; }
PolicyKind Policy::kind() const { return data_->kind; }
size_t Policy::statement_count() const { return data_->statements.size(); }
std::string_view Policy::statement_label(size_t index) const {
  assert(index < data_->statements.size());
  return data_->statements[index].label;
}
Effect Policy::statement_effect(size_t index) const {
  assert(index < data_->statements.size());
  return data_->statements[index].effect;
}

std::string_view EffectName(Effect effect) { return effect == Effect::kAllow ? "Allow" : "Deny"; }

std::string_view DecisionKindName(Decision::Kind kind) {
  switch (kind) {
    case Decision::Kind::kAllow:
      return "Allow";
    case Decision::Kind::kExplicitDeny:
      return "ExplicitDeny";
    case Decision::Kind::kImplicitDeny:
      return "ImplicitDeny";
  }
  return "ImplicitDeny";
}

std::string_view SourceName(Source source) {
  switch (source) {
    case Source::kIdentity:
      return "identity";
    case Source::kResource:
      return "resource";
    case Source::kBoundary:
      return "boundary";
    case Source::kSession:
      return "session";
  }
  return "identity";
}

std::string_view PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kAny:
      return "any";
    case PolicyKind::kIdentity:
      return "identity";
    case PolicyKind::kResource:
      return "resource";
    case PolicyKind::kTrust:
      return "trust";
  }
  return "any";
}

bool ParsePolicyKind(std::string_view name, PolicyKind* kind) {
  for (PolicyKind k : {PolicyKind::kAny, PolicyKind::kIdentity, PolicyKind::kResource, PolicyKind::kTrust}) {
    if (PolicyKindName(k) == name) {
      *kind = k;
      return true;
    }
  }
  return false;
}

}  // namespace weir::iam
