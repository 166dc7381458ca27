// Keeps the signed-in session between runs: server, user name and token in
// one JSON file readable by its owner only (0600; a looser mode found on
// load is tightened). Sign-out removes the file.
#ifndef NIMBUS_DESKTOP_SESSION_STORE_H_
#define NIMBUS_DESKTOP_SESSION_STORE_H_

#include <QByteArray>
#include <QString>
#include <optional>

namespace nimbus::desktop {

struct SavedSession {
  QString server;
  QString user;
  QByteArray token;
};

class SessionStore {
 public:
  explicit SessionStore(QString path) : path_(std::move(path)) {}

  std::optional<SavedSession> Load() const;
  // Replaces the file atomically; false (with `error`) when it cannot.
  bool Save(const SavedSession& s, QString* error) const;
  void Clear() const;
  const QString& path() const { return path_; }

 private:
  QString path_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_SESSION_STORE_H_
