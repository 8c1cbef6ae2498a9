// `junit` (notification, like ansible.builtin.junit): one JUnit XML file per playbook,
// `<output_dir>/<playbook name>-<unix time>.xml`, one test case per task and host.
// Settings: env JUNIT_OUTPUT_DIR, JUNIT_FAIL_ON_CHANGE, JUNIT_FAIL_ON_IGNORE,
// JUNIT_HIDE_TASK_ARGUMENTS, JUNIT_TEST_CASE_PREFIX, JUNIT_TASK_CLASS, else the same keys
// (output_dir, fail_on_change, ...) in `[callback_junit]`; output_dir defaults to ~/.ansible.log.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/error.hpp"
#include "core/output/result_format.hpp"
#include "core/secrets/redactor.hpp"
#include "core/value/regex.hpp"
#include "core/value/boolean.hpp"
#include "core/value/json.hpp"
#include "core/value/python_repr.hpp"
#include "plugins/callback/builtins.hpp"

namespace drover::callback {

namespace {

using namespace output;
namespace fs = std::filesystem;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string xml_escape(const std::string& text) {
  std::string out;
  for (char c : secrets::Redactor::global().mask(text)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string seconds_text(double s) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", s);
  return buf;
}

struct Case {
  std::string name, classname, status, body;  // status: ok, failed, skipped
  std::string message;
  double time = 0;
};

class JunitCallback final : public Callback {
public:
  explicit JunitCallback(const CallbackOptions& options) : m_options(options) {
    const char* home = std::getenv("HOME");
    m_dir = setting("output_dir", std::string(home ? home : ".") + "/.ansible.log");
    m_fail_on_change = loose_boolean(setting("fail_on_change", "false"));
    m_fail_on_ignore = loose_boolean(setting("fail_on_ignore", "false"));
    m_hide_args = loose_boolean(setting("hide_task_arguments", "false"));
    m_prefix = setting("test_case_prefix", "");
    m_task_class = loose_boolean(setting("task_class", "false"));
  }
  std::string name() const override { return "junit"; }

  void on_playbook_start(const std::string& file) override {
    fs::path p(file);
    m_playbook = p.stem().string();
  }
  void on_play_start(const PlayInfo& play) override { m_play = play.name.empty() ? play.hosts : play.name; }

  void on_task_start(const TaskInfo& task) override {
    m_task_name = task.name;
    if (!m_hide_args && task.args.is_map() && !task.args.as_map().empty()) {
      std::string args;
      for (const auto& [k, v] : task.args.as_map()) args += (args.empty() ? "" : ", ") + k + "=" + python_str(v);
      m_task_name += " " + args;
    }
    m_task_path = task.path;
    m_task_start = now_seconds();
  }

  void on_host_result(const HostResult& r) override {
    std::string status = r.status == Status::skipped ? "skipped" : "ok";
    if (r.status == Status::failed || r.status == Status::unreachable)
      status = r.ignore_errors && !m_fail_on_ignore ? "ok" : "failed";
    if (m_fail_on_change && status == "ok" && r.result.get("changed").truthy()) status = "failed";
    if (status == "failed" && m_task_name.find("EXPECTED FAILURE") != std::string::npos) status = "ok";
    if (m_task_name.rfind(m_prefix, 0) != 0 && status != "failed") return;
    Case c;
    c.name = "[" + r.host + "] " + m_play + ": " + m_task_name;
    static const Regex yml_line(R"(\.yml:[0-9]+$)");
    c.classname = m_task_class ? yml_line.sub("", m_task_path) : m_task_path;
    c.status = status;
    c.time = now_seconds() - m_task_start;
    Value abridged = strip_internal_keys(r.result);
    if (abridged.is_map()) abridged.mutable_map().erase("exception");
    c.body = dump_json(abridged, JsonStyle{0, true, false});
    if (status == "failed") {
      const Value* msg = r.result.find("msg");
      c.message = msg ? python_str(*msg) : "rc=" + python_str(r.result.find("rc") ? r.result.get("rc") : Value(0));
    } else if (status == "skipped") {
      c.message = r.result.find("skip_reason") ? python_str(r.result.get("skip_reason")) : "skipped";
    }
    m_cases.push_back(std::move(c));
  }

  void on_stats(const RunStats&) override { write_report(); }

private:
  std::string setting(const std::string& key, const std::string& fallback) const {
    std::string env = "JUNIT_" + key;
    for (auto& ch : env) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (const char* v = std::getenv(env.c_str())) return v;
    return m_options.text(key, fallback);
  }

  void write_report() {
    int failures = 0, skipped = 0;
    double total = 0;
    std::string cases;
    for (const auto& c : m_cases) {
      total += c.time;
      cases += "\t\t<testcase classname=\"" + xml_escape(c.classname) + "\" name=\"" + xml_escape(c.name) +
               "\" time=\"" + seconds_text(c.time) + "\">\n";
      if (c.status == "failed") {
        ++failures;
        cases += "\t\t\t<failure message=\"" + xml_escape(c.message) + "\" type=\"failure\">" + xml_escape(c.body) +
                 "</failure>\n";
      } else if (c.status == "skipped") {
        ++skipped;
        cases += "\t\t\t<skipped>" + xml_escape(c.message) + "</skipped>\n";
      } else {
        cases += "\t\t\t<system-out>" + xml_escape(c.body) + "</system-out>\n";
      }
      cases += "\t\t</testcase>\n";
    }
    std::string tests = std::to_string(m_cases.size());
    std::string xml = "<?xml version=\"1.0\" ?>\n<testsuites disabled=\"0\" errors=\"0\" failures=\"" +
                      std::to_string(failures) + "\" tests=\"" + tests + "\" time=\"" + seconds_text(total) +
                      "\">\n\t<testsuite disabled=\"0\" errors=\"0\" failures=\"" + std::to_string(failures) +
                      "\" name=\"" + xml_escape(m_playbook) + "\" skipped=\"" + std::to_string(skipped) +
                      "\" tests=\"" + tests + "\" time=\"" + seconds_text(total) + "\">\n" + cases +
                      "\t</testsuite>\n</testsuites>\n";
    std::error_code ec;
    fs::create_directories(m_dir, ec);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%.6f", now_seconds());
    fs::path file = fs::path(m_dir) / (m_playbook + "-" + stamp + ".xml");
    std::ofstream out(file);
    out << xml;
    if (!out)
      throw Fatal("junit callback: cannot write " + file.string() +
                  "; set JUNIT_OUTPUT_DIR or [callback_junit] output_dir to a writable folder");
  }

  CallbackOptions m_options;
  std::string m_dir, m_prefix, m_playbook = "playbook", m_play, m_task_name, m_task_path;
  bool m_fail_on_change = false, m_fail_on_ignore = false, m_hide_args = false, m_task_class = false;
  double m_task_start = 0;
  std::vector<Case> m_cases;
};

}  // namespace

std::unique_ptr<output::Callback> make_junit_callback(const output::CallbackOptions& options) {
  return std::make_unique<JunitCallback>(options);
}

}  // namespace drover::callback
