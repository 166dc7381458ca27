// Downloads one file of the drive to a local path: asks nimbus-web for a
// signed URL (reused until it expires), fetches it into "<path>.part" with
// a Range request that continues what an earlier attempt wrote, checks the
// SHA-256 off the calling thread and only then gives the file its name.
#ifndef NIMBUS_DESKTOP_DOWNLOAD_JOB_H_
#define NIMBUS_DESKTOP_DOWNLOAD_JOB_H_

#include <QFile>
#include <memory>

#include "desktop/api_client.h"
#include "desktop/transfer_job.h"

namespace nimbus::desktop {

class DownloadJob : public TransferJob {
  Q_OBJECT
 public:
  DownloadJob(ApiClient* api, TransferItem* item, QObject* owner = nullptr);
  ~DownloadJob() override;

  void Start() override;
  void Stop() override;
  void Discard(std::function<void()> done) override;

  static QString PartPath(const QString& path) { return path + ".part"; }
  // `path`, or "name (2).ext", "name (3).ext"... whichever does not exist.
  static QString FreePath(const QString& path);

 private:
  bool Current(quint64 generation) const {
    return running_ && generation == generation_;
  }
  void GetUrl();
  void Fetch();
  void Verify();
  void Fail(const TransferError& e);

  ApiClient* api_;
  std::unique_ptr<QFile> part_;
  HttpTransport::CallId call_ = 0;
  bool running_ = false;
  quint64 generation_ = 0;
  bool url_retried_ = false;
  bool restarted_ = false;
  bool too_long_ = false;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_DOWNLOAD_JOB_H_
