import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

/** Every /api/v1 path that is not an endpoint answers in the API's JSON error shape. */
const notFound = route(async () => {
  throw new ApiError("not_found", "No such API endpoint. See the README for the /api/v1 routes.");
});

export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
