// SHA-256 of local files, meant to run on a worker thread (QtConcurrent):
// whole-file digests for instant upload and download verification, and the
// answer to an instant-upload challenge.
#ifndef NIMBUS_DESKTOP_FILE_HASHER_H_
#define NIMBUS_DESKTOP_FILE_HASHER_H_

#include <QString>
#include <atomic>
#include <functional>
#include <optional>

namespace nimbus::desktop {

class FileHasher {
 public:
  // Lower-case hex digest of the file, or nullopt when it cannot be read,
  // when `stop` becomes true or when its size is not `expected_size`
  // (-1: any). `progress` gets the bytes hashed so far.
  static std::optional<QString> Sha256Hex(
      const QString& path, qint64 expected_size,
      const std::atomic<bool>* stop = nullptr,
      const std::function<void(qint64)>& progress = {});

  // hex(SHA-256(nonce || bytes[offset, offset + length))), nimbus-web's
  // proof that the client holds the content.
  static std::optional<QString> ChallengeAnswer(const QString& path,
                                                const QByteArray& nonce,
                                                qint64 offset, qint64 length);
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_FILE_HASHER_H_
