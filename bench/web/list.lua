-- wrk script: the first page of a folder listing (100 items, sorted by
-- name). Token from the environment: NIMBUS_TOKEN; folder: NIMBUS_FOLDER.
function init(args)
  token = os.getenv("NIMBUS_TOKEN")
  folder = os.getenv("NIMBUS_FOLDER") or "root"
end

function request()
  return wrk.format("GET", "/api/v1/folders/" .. folder ..
                    "/children?sort=name&limit=100",
                    {["Authorization"] = "Bearer " .. token})
end
