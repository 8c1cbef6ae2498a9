// apt_repository: adds or removes a one-line apt source (`deb`/`deb-src`) in /etc/apt/sources.list
// or /etc/apt/sources.list.d/*.list, as Ansible's apt_repository: the same file naming, the same
// rewriting of the files it loads, the same diff, then `apt-get update` unless told not to.
#include <algorithm>
#include <array>
#include <filesystem>
#include <map>

#include <sys/stat.h>
#include <unistd.h>

#include "core/value/regex.hpp"
#include "modules/module_doc.hpp"
#include "modules/registry.hpp"
#include "modules/util/args.hpp"
#include "modules/util/atomic_write.hpp"
#include "modules/util/file_attrs.hpp"
#include "modules/util/fs.hpp"
#include "modules/util/process.hpp"
#include "modules/util/text.hpp"

namespace drover::modules {

namespace {

constexpr const char* k_sources_list = "/etc/apt/sources.list";
constexpr const char* k_sources_dir = "/etc/apt/sources.list.d";

const std::array k_spec{
    ArgSpec{.name = "repo", .required = Required::yes, .description = "The source line (\"deb URI SUITE COMPONENTS\", options in [] allowed), or ppa:OWNER/NAME on Ubuntu."},
    ArgSpec{.name = "state", .default_value = "present", .choices = {"absent", "present"}, .description = "present adds (or re-enables) the line, absent removes it."},
    ArgSpec{.name = "mode", .type = ArgType::raw, .description = "The mode of a new sources file (0644 minus nothing by default: the umask decides)."},
    ArgSpec{.name = "update_cache", .type = ArgType::boolean, .default_value = true, .aliases = {"update-cache"}, .description = "Run apt-get update after a change (a failing update puts the files back and fails)."},
    ArgSpec{.name = "update_cache_retries", .type = ArgType::integer, .default_value = 5, .description = "Attempts at updating the cache."},
    ArgSpec{.name = "update_cache_retry_max_delay", .type = ArgType::integer, .default_value = 12, .description = "Most seconds between attempts."},
    ArgSpec{.name = "filename", .description = "The sources.list.d file name to use, without .list (by default one made from the URI)."},
    ArgSpec{.name = "install_python_apt", .type = ArgType::boolean, .default_value = true, .description = "Accepted for Ansible compatibility; drover needs no python3-apt."},
    ArgSpec{.name = "validate_certs", .type = ArgType::boolean, .default_value = true, .description = "Accepted for Ansible compatibility (used there for Launchpad's API)."},
    ArgSpec{.name = "codename", .description = "The release codename of ppa: lines (default: the target's VERSION_CODENAME)."},
};

struct Line {
  bool valid = false;
  bool enabled = true;
  std::string source;
  std::string comment;
};

class InvalidSource : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

std::string join_words(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& part : parts) out += (out.empty() ? "" : " ") + part;
  return out;
}

Line parse_line(std::string text, bool require_valid) {
  Line line;
  text = trim(text);
  if (text.starts_with("#")) {
    line.enabled = false;
    text = text.substr(1);
  }
  size_t hash = text.find('#');
  if (hash != std::string::npos && hash > 0) {
    line.comment = trim(text.substr(hash + 1));
    text = text.substr(0, hash);
  }
  line.source = trim(text);
  if (!line.source.empty()) {
    auto chunks = split_words(line.source);
    if (chunks[0] == "deb" || chunks[0] == "deb-src") {
      line.valid = true;
      line.source = join_words(chunks);
    }
  }
  if (require_valid && (!line.valid || !line.enabled)) throw InvalidSource(text);
  return line;
}

std::string render(const std::vector<Line>& lines) {
  std::string out;
  for (const auto& line : lines)
    out += (line.enabled ? "" : "# ") + line.source + (line.comment.empty() ? "" : " # " + line.comment) + "\n";
  return out;
}

struct SourcesList {
  std::map<std::string, std::vector<Line>> files;
  std::map<std::string, std::string> original;  // the text each loaded file had
  std::vector<std::string> new_files;

  void load(const std::string& path) {
    std::string text = read_file(path).value_or("");
    original[path] = text;
    auto& lines = files[path];
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      lines.push_back(parse_line(text.substr(start, end == std::string::npos ? std::string::npos : end - start), false));
      start = end == std::string::npos ? text.size() : end + 1;
    }
  }

  std::map<std::string, std::string> dump() const {
    std::map<std::string, std::string> out;
    for (const auto& [path, lines] : files)
      if (!lines.empty()) out[path] = render(lines);
    return out;
  }
};

SourcesList load_sources() {
  SourcesList sources;
  struct stat st{};
  if (::stat(k_sources_list, &st) == 0 && S_ISREG(st.st_mode)) sources.load(k_sources_list);
  std::error_code ec;
  std::vector<std::string> parts;
  for (const auto& entry : std::filesystem::directory_iterator(k_sources_dir, ec))
    if (entry.path().extension() == ".list") parts.push_back(entry.path().string());
  std::sort(parts.begin(), parts.end());
  for (const auto& path : parts) sources.load(path);
  return sources;
}

// Ansible's _suggest_filename: the first word after the type, options, scheme and credentials
// are dropped, with every run of other characters than letters and digits made one "_".
std::string suggest_filename(std::string line, const json& args) {
  line = Regex(R"(\[[^\]]+\])").sub("", line);
  line = Regex(R"(\w+://)").sub("", line);
  std::vector<std::string> parts;
  for (auto& word : split_words(line))
    if (word != "deb" && word != "deb-src") parts.push_back(word);
  std::string first = parts.empty() ? "" : parts[0];
  if (auto at = first.find('@'); at != std::string::npos) first = first.substr(at + 1);
  if (is_set(args, "filename")) return arg_string(args, "filename") + ".list";
  std::vector<std::string> words;
  std::string word;
  for (char c : first) {
    if (std::isalnum(static_cast<unsigned char>(c))) word += c;
    else if (!word.empty()) words.push_back(word), word.clear();
  }
  if (!word.empty()) words.push_back(word);
  std::string name;
  for (const auto& w : words) name += (name.empty() ? "" : "_") + w;
  return name + ".list";
}

std::string expand_path(const std::string& filename) {
  if (filename.find('/') != std::string::npos) return filename;
  return std::string(k_sources_dir) + "/" + filename;
}

std::string target_codename(const json& args) {
  if (is_set(args, "codename")) return arg_string(args, "codename");
  std::string text = read_file("/etc/os-release").value_or("");
  size_t at = text.find("VERSION_CODENAME=");
  if (at == std::string::npos) return "";
  std::string value = text.substr(at + 17, text.find('\n', at) - at - 17);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) value = value.substr(1, value.size() - 2);
  return value;
}

std::string expand_ppa(const std::string& repo, const json& args) {
  std::string ppa = repo.substr(4);
  std::string owner = ppa.substr(0, ppa.find('/'));
  std::string name = ppa.find('/') == std::string::npos ? "ppa" : ppa.substr(ppa.find('/') + 1);
  return "deb http://ppa.launchpad.net/" + owner + "/" + name + "/ubuntu " + target_codename(args) + " main";
}

bool has_enabled(const SourcesList& sources, const std::string& source) {
  for (const auto& [path, lines] : sources.files)
    for (const auto& line : lines)
      if (line.valid && line.enabled && line.source == source) return true;
  return false;
}

void add_source(SourcesList& sources, const std::string& repo, const json& args) {
  std::string source;
  std::string file;
  if (repo.starts_with("ppa:")) {
    source = expand_ppa(repo, args);
    if (has_enabled(sources, source)) return;
    throw ModuleFailure("drover's apt_repository cannot add " + repo +
                        ": a PPA needs Launchpad's API and a key server over the network. Add its key with apt_key "
                        "(file or data) and the line \"" + source + "\" as repo instead");
  }
  source = parse_line(repo, true).source;
  file = suggest_filename(source, args);
  bool found = false;
  for (auto& [path, lines] : sources.files)
    for (auto& line : lines)
      if (line.valid && line.source == source) line.enabled = true, found = true;
  if (found) return;
  std::string path = expand_path(file);
  sources.files[path].push_back(Line{true, true, source, ""});
  sources.new_files.push_back(path);
}

void remove_source(SourcesList& sources, const std::string& repo, const json& args) {
  std::string source = repo.starts_with("ppa:") ? expand_ppa(repo, args) : parse_line(repo, true).source;
  for (auto& [path, lines] : sources.files)
    std::erase_if(lines, [&](const Line& line) { return line.valid && line.enabled && line.source == source; });
}

// Writes every file whose text changed (atomically); removes the files left without lines.
void save(const SourcesList& sources, const json& args) {
  for (const auto& [path, lines] : sources.files) {
    if (lines.empty()) {
      if (::access(path.c_str(), F_OK) == 0 && ::unlink(path.c_str()) != 0)
        throw ModuleFailure("Failed to remove " + path + ": " + std::strerror(errno));
      continue;
    }
    std::string text = render(lines);
    auto before = sources.original.find(path);
    if (before != sources.original.end() && before->second == text) continue;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    atomic_write(path, text);
    bool is_new = std::find(sources.new_files.begin(), sources.new_files.end(), path) != sources.new_files.end();
    if (is_new && is_set(args, "mode")) {
      struct stat st{};
      ::stat(path.c_str(), &st);
      unsigned mode = parse_mode(args["mode"], path, st.st_mode & 07777, false);
      if (::chmod(path.c_str(), mode) != 0) throw ModuleFailure("chmod failed on " + path + ": " + std::strerror(errno));
    }
  }
}

void restore(const SourcesList& before, const std::map<std::string, std::string>& dump_after) {
  for (const auto& [path, text] : dump_after)
    if (!before.original.contains(path)) ::unlink(path.c_str());
  for (const auto& [path, text] : before.original)
    if (!text.empty()) atomic_write(path, text);
}

std::string update_cache(const json& args) {
  long long retries = args["update_cache_retries"].get<long long>();
  long long max_delay = args["update_cache_retry_max_delay"].get<long long>();
  std::string error;
  for (long long attempt = 0; attempt < retries; ++attempt) {
    ProcessResult r = run_command_line("apt-get update -q", {{"LANG", "C"}, {"LC_ALL", "C"}, {"DEBIAN_FRONTEND", "noninteractive"}});
    bool fetch_failed = r.stderr_text.find("W: Failed to fetch") != std::string::npos ||
                        r.stderr_text.find("W: Some index files failed") != std::string::npos;
    if (r.rc == 0 && !fetch_failed) return "";
    error = trim(r.stderr_text);
    if (attempt + 1 < retries) ::sleep(static_cast<unsigned>(std::min<long long>(1LL << std::min<long long>(attempt, 20), max_delay)));
  }
  return error.empty() ? "unknown reason" : error;
}

}  // namespace

json run_apt_repository(const json& raw_args, const ModuleContext& ctx) {
  json args = check_args(raw_args, k_spec, "apt_repository");
  std::string repo = arg_string(args, "repo");
  std::string state = arg_string(args, "state");
  if (repo.empty()) throw ModuleFailure("Please set argument 'repo' to a non-empty value");
  if (find_executable("apt-get").empty()) throw ModuleFailure("Module apt_repository is not supported on target.");
  SourcesList sources = load_sources();
  SourcesList before = sources;
  auto dump_before = sources.dump();
  try {
    if (state == "present") add_source(sources, repo, args);
    else remove_source(sources, repo, args);
  } catch (const InvalidSource& invalid) {
    throw ModuleFailure("Invalid repository string: " + std::string(invalid.what()));
  }
  auto dump_after = sources.dump();
  bool changed = dump_before != dump_after;
  json diff = json::object();
  if (changed && ctx.diffing()) {
    diff = json::array();
    std::vector<std::string> paths;
    for (const auto& [path, text] : dump_before) paths.push_back(path);
    for (const auto& [path, text] : dump_after)
      if (!dump_before.contains(path)) paths.push_back(path);
    for (const auto& path : paths) {
      diff.push_back({{"before", dump_before.contains(path) ? dump_before[path] : ""},
                      {"after", dump_after.contains(path) ? dump_after[path] : ""},
                      {"before_header", dump_before.contains(path) ? path : "/dev/null"},
                      {"after_header", dump_after.contains(path) ? path : "/dev/null"}});
    }
  }
  if (changed && !ctx.checking()) {
    save(sources, args);
    if (arg_bool(args, "update_cache")) {
      std::string error = update_cache(args);
      if (!error.empty()) {
        restore(before, dump_after);
        throw ModuleFailure("Failed to update apt cache: " + error);
      }
    }
  }
  return {{"changed", changed}, {"repo", repo}, {"state", state}, {"diff", diff}};
}

namespace {
const std::array<ReturnDoc, 2> k_returns{{
    ReturnDoc{"repo", "str", "always", "The repo argument."},
    ReturnDoc{"state", "str", "always", "The state argument."},
}};
}  // namespace

const ModuleDoc apt_repository_doc{
    .description =
        "Adds or removes a one-line apt source in /etc/apt/sources.list or /etc/apt/sources.list.d/NAME.list, as Ansible's "
        "apt_repository. A new line goes into a file named after its URI (\"deb http://deb.example.com/debian stable main\" "
        "goes to deb_example_com_debian.list) unless filename is given; a line already present anywhere, even commented "
        "out, is enabled in place. Every sources file is written in Ansible's normalized form (one space between words, "
        "\"# \" before disabled lines) when one changes, and a file left without lines is removed. After a change apt-get "
        "update runs (update_cache); when it fails the files are put back.",
    .options = k_spec,
    .returns = k_returns,
    .example = "- ansible.builtin.apt_repository:\n    repo: deb [signed-by=/etc/apt/keyrings/example.gpg] https://deb.example.com/debian bookworm main\n    filename: example\n",
    .notes = "No python3-apt is needed. Adding a ppa: line is refused (it needs Launchpad's API over the network); "
             "one already present is recognized and ppa: lines can be removed. The sources.list.d files are read in "
             "name order (Ansible's order is the directory's).",
};

}  // namespace drover::modules
