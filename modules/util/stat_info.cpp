#include "modules/util/stat_info.hpp"

#include <cstdio>

namespace drover::modules {

double stat_seconds(const timespec& time) {
  return static_cast<double>(time.tv_sec) + static_cast<double>(time.tv_nsec) * 1e-9;
}

json stat_fields(const struct stat& st) {
  mode_t mode = st.st_mode;
  char octal[16];
  std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(mode & 07777));
  return {{"mode", octal},
          {"isdir", S_ISDIR(mode)},
          {"ischr", S_ISCHR(mode)},
          {"isblk", S_ISBLK(mode)},
          {"isreg", S_ISREG(mode)},
          {"isfifo", S_ISFIFO(mode)},
          {"islnk", S_ISLNK(mode)},
          {"issock", S_ISSOCK(mode)},
          {"uid", st.st_uid},
          {"gid", st.st_gid},
          {"size", st.st_size},
          {"inode", st.st_ino},
          {"dev", st.st_dev},
          {"nlink", st.st_nlink},
          {"atime", stat_seconds(st.st_atim)},
          {"mtime", stat_seconds(st.st_mtim)},
          {"ctime", stat_seconds(st.st_ctim)},
          {"wusr", (mode & S_IWUSR) != 0},
          {"rusr", (mode & S_IRUSR) != 0},
          {"xusr", (mode & S_IXUSR) != 0},
          {"wgrp", (mode & S_IWGRP) != 0},
          {"rgrp", (mode & S_IRGRP) != 0},
          {"xgrp", (mode & S_IXGRP) != 0},
          {"woth", (mode & S_IWOTH) != 0},
          {"roth", (mode & S_IROTH) != 0},
          {"xoth", (mode & S_IXOTH) != 0},
          {"isuid", (mode & S_ISUID) != 0},
          {"isgid", (mode & S_ISGID) != 0}};
}

}  // namespace drover::modules
