// Uploads one local file into a folder of the drive: hashes it (off the
// calling thread), tries instant upload with the server's challenge, and
// otherwise sends the bytes with tus, resuming where the server stands.
#ifndef NIMBUS_DESKTOP_UPLOAD_JOB_H_
#define NIMBUS_DESKTOP_UPLOAD_JOB_H_

#include <QFutureWatcher>
#include <atomic>
#include <memory>
#include <optional>

#include "desktop/api_client.h"
#include "desktop/transfer_job.h"
#include "desktop/tus_upload.h"

namespace nimbus::desktop {

class UploadJob : public TransferJob {
  Q_OBJECT
 public:
  UploadJob(ApiClient* api, TransferItem* item, QObject* owner = nullptr);
  ~UploadJob() override;

  void Start() override;
  void Stop() override;
  void Discard(std::function<void()> done) override;

 private:
  bool Current(quint64 generation) const {
    return running_ && generation == generation_;
  }
  void Hash();
  void AskChallenge();
  void AnswerChallenge(const QJsonObject& challenge);
  void SendBytes();
  void SendEmpty();
  void Done(qint64 node);
  void Fail(const TransferError& e);

  ApiClient* api_;
  std::unique_ptr<TusUpload> tus_;
  std::shared_ptr<std::atomic<bool>> stop_hash_;
  HttpTransport::CallId call_ = 0;
  bool running_ = false;
  quint64 generation_ = 0;
  bool instant_tried_ = false;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_UPLOAD_JOB_H_
