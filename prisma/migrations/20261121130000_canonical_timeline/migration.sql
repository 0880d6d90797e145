-- DropIndex
DROP INDEX "ExternalRecord_workspaceId_entityType_updatedAt_idx";

-- DropIndex
DROP INDEX "Invoice_workspaceId_status_idx";

-- AlterTable
ALTER TABLE "ExternalRecord" ADD COLUMN     "matchRule" TEXT,
ALTER COLUMN "raw" SET DATA TYPE TEXT USING "raw"::text;

-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "customerName" TEXT,
ADD COLUMN     "disagreement" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "fingerprint" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "providers" "Provider"[] DEFAULT ARRAY[]::"Provider"[],
ADD COLUMN     "searchText" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "systems" JSONB NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "Invoice_workspaceId_currency_totalMinor_idx" ON "Invoice"("workspaceId", "currency", "totalMinor");

