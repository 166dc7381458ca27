#include "desktop/session_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <cerrno>
#include <cstring>

namespace nimbus::desktop {

std::optional<SavedSession> SessionStore::Load() const {
  QFile f(path_);
  if (!f.open(QIODevice::ReadOnly)) return std::nullopt;
  // A token file others can read is a leaked session waiting to happen.
  struct stat st;
  if (::stat(QFile::encodeName(path_).constData(), &st) == 0 &&
      (st.st_mode & 077) != 0) {
    ::chmod(QFile::encodeName(path_).constData(), 0600);
  }
  QByteArray data = f.read(64 * 1024);
  QJsonObject o = QJsonDocument::fromJson(data).object();
  SavedSession s;
  s.server = o.value("server").toString();
  s.user = o.value("user").toString();
  s.token = o.value("token").toString().toLatin1();
  if (s.server.isEmpty() || s.token.isEmpty()) return std::nullopt;
  return s;
}

bool SessionStore::Save(const SavedSession& s, QString* error) const {
  QDir().mkpath(QFileInfo(path_).absolutePath());
  QByteArray data = QJsonDocument(QJsonObject{
                                      {"server", s.server},
                                      {"user", s.user},
                                      {"token", QString::fromLatin1(s.token)},
                                  })
                        .toJson();
  QByteArray tmp = QFile::encodeName(path_ + ".tmp");
  ::unlink(tmp.constData());
  // Created 0600 from the start: there is no moment when it is readable.
  int fd =
      ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  auto fail = [&](const char* what) {
    if (error) {
      *error = QString("%1 %2: %3")
                   .arg(what, path_, QString::fromLocal8Bit(strerror(errno)));
    }
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.constData());
    return false;
  };
  if (fd < 0) return fail("cannot create");
  if (::fchmod(fd, 0600) != 0) return fail("cannot protect");
  if (::write(fd, data.constData(), data.size()) != data.size()) {
    return fail("cannot write");
  }
  if (::fsync(fd) != 0) return fail("cannot sync");
  ::close(fd);
  fd = -1;
  if (::rename(tmp.constData(), QFile::encodeName(path_).constData()) != 0) {
    return fail("cannot replace");
  }
  return true;
}

void SessionStore::Clear() const { QFile::remove(path_); }

}  // namespace nimbus::desktop
