// locale_gen (community.general.locale_gen): a locale generated or removed, as community.general
// does it: its line in /etc/locale.gen uncommented (or commented) and locale-gen run; on Ubuntu
// (/var/lib/locales/supported.d) `locale-gen NAME`, or the name dropped and `locale-gen --purge`.
#include <array>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "core/value/regex.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

const std::array k_spec{
    ArgSpec{.name = "name", .required = Required::yes, .description = "The locale with its encoding (de_CH.UTF-8)."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "Whether the locale should be generated."},
};

const std::string k_locale_gen = "/etc/locale.gen";
const std::string k_ubuntu_local = "/var/lib/locales/supported.d/local";

// `locale -a` spells encodings in lower case without dashes; these compare as their usual names.
std::string fix_case(std::string name) {
  constexpr std::pair<const char*, const char*> k_normal[] = {
      {".utf8", ".UTF-8"},   {".eucjp", ".EUC-JP"}, {".iso885915", ".ISO-8859-15"}, {".cp1251", ".CP1251"},
      {".koi8r", ".KOI8-R"}, {".armscii8", ".ARMSCII-8"}, {".euckr", ".EUC-KR"}, {".gbk", ".GBK"},
      {".gb18030", ".GB18030"}, {".euctw", ".EUC-TW"}};
  for (const auto& [from, to] : k_normal)
    for (auto at = name.find(from); at != std::string::npos; at = name.find(from, at + std::string(to).size()))
      name.replace(at, std::string(from).size(), to);
  return name;
}

std::vector<std::string> lines_with_newlines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto nl = text.find('\n', start);
    out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl + 1 - start));
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  return out;
}

bool is_available(const std::string& name, bool ubuntu) {
  static const Regex k_ubuntu(R"(^(?P<locale>\S+_\S+) (?P<charset>\S+)\s*$)");
  static const Regex k_debian(R"(^#{0,1}\s*(?P<locale>\S+_\S+) (?P<charset>\S+)\s*$)");
  const Regex& pattern = ubuntu ? k_ubuntu : k_debian;
  auto text = read_file(ubuntu ? "/usr/share/i18n/SUPPORTED" : k_locale_gen);
  if (!text) return false;
  for (const auto& line : lines_with_newlines(*text))
    if (auto m = pattern.search(line); m && m->group(1) == name) return true;
  return false;
}

ProcessResult run(const std::vector<std::string>& argv) {
  ProcessSpec spec;
  spec.argv = argv;
  ProcessResult p = run_process(spec);
  if (p.start_failure == StartFailure::exec) {
    const char* path = std::getenv("PATH");
    throw ModuleFailure("Failed to find required executable \"" + argv[0] + "\" in paths: " + (path ? path : ""));
  }
  return p;
}

bool is_present(const std::string& name) {
  ProcessResult p = run({"locale", "-a"});
  std::istringstream lines(p.stdout_text);
  for (std::string line; std::getline(lines, line);)
    if (fix_case(line) == fix_case(name)) return true;
  return false;
}

void locale_gen(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"locale-gen"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult p = run(argv);
  if (p.rc != 0)
    throw ModuleFailure("locale.gen failed to execute, it returned " + std::to_string(p.rc), {{"exitValue", p.rc}});
}

// community.general's set_locale: every line holding the name (commented or not) rewritten.
void set_locale(const std::string& name, bool enabled) {
  Regex search("#{0,1}\\s*" + name + " (?P<charset>.+)");
  std::string out;
  for (const auto& line : lines_with_newlines(read_file(k_locale_gen).value_or(""))) {
    std::string body = line.ends_with("\n") ? line.substr(0, line.size() - 1) : line;
    std::string rewritten;
    std::size_t pos = 0;
    for (const auto& m : search.find_all(body)) {
      rewritten += body.substr(pos, m.start(0) - pos);
      rewritten += (enabled ? "" : "# ") + name + " " + std::string(m.group(1));
      pos = m.end(0);
    }
    rewritten += body.substr(pos);
    out += rewritten + (line.ends_with("\n") ? "\n" : "");
  }
  atomic_write(k_locale_gen, out);
}

void remove_ubuntu(const std::string& name) {
  std::string out;
  for (const auto& line : lines_with_newlines(read_file(k_ubuntu_local).value_or("")))
    if (split_words(line).empty() || split_words(line)[0] != name) out += line;
  atomic_write(k_ubuntu_local, out);
}

}  // namespace

json run_locale_gen(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "locale_gen");
  const std::string name = arg_string(args, "name"), state = arg_string(args, "state");
  bool ubuntu = ::access("/var/lib/locales/supported.d/", F_OK) == 0;
  if (!ubuntu && ::access(k_locale_gen.c_str(), F_OK) != 0)
    throw ModuleFailure("/etc/locale.gen and /var/lib/locales/supported.d/local are missing. Is the package \"locales\" installed?");
  if (!is_available(name, ubuntu)) throw ModuleFailure("The locale you've entered is not available on your system.");
  const bool changed = (is_present(name) ? "present" : "absent") != state;
  if (ctx.checking()) return {{"changed", changed}};
  if (changed) {
    if (!ubuntu) {
      set_locale(name, state == "present");
      locale_gen({});
    } else if (state == "present") {
      locale_gen({name});
    } else {
      remove_ubuntu(name);
      locale_gen({"--purge"});
    }
  }
  return {{"name", name}, {"changed", changed}, {"msg", "OK"}};
}

namespace {
const std::array<ReturnDoc, 2> k_returns{{
    ReturnDoc{"name", "str", "not in check mode", "The locale."},
    ReturnDoc{"msg", "str", "not in check mode", "OK."},
}};
}  // namespace

const ModuleDoc locale_gen_doc{
    .description = "Generates or removes a locale, as community.general.locale_gen (also that name): the locale's line in /etc/locale.gen and locale-gen (Debian), or locale-gen NAME / --purge (Ubuntu).",
    .options = k_spec,
    .returns = k_returns,
    .example = "- name: Swiss German\n  community.general.locale_gen:\n    name: de_CH.UTF-8\n",
    .notes = "Whether the locale is there is asked of `locale -a`. /etc/locale.gen is written atomically. The name is used as a regular expression in /etc/locale.gen, as in community.general.",
};

}  // namespace drover::modules
