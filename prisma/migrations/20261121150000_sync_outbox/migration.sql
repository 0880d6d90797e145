-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN     "syncDueAt" TIMESTAMP(3),
ADD COLUMN     "syncedState" JSONB;

-- CreateTable
CREATE TABLE "PushFailure" (
    "id" TEXT NOT NULL,
    "workspaceId" TEXT NOT NULL,
    "invoiceId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "error" TEXT NOT NULL,
    "failedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PushFailure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PushFailure_idempotencyKey_key" ON "PushFailure"("idempotencyKey");

-- CreateIndex
CREATE INDEX "PushFailure_workspaceId_failedAt_idx" ON "PushFailure"("workspaceId", "failedAt" DESC);

-- CreateIndex
CREATE INDEX "Invoice_syncDueAt_idx" ON "Invoice"("syncDueAt");

-- AddForeignKey
ALTER TABLE "PushFailure" ADD CONSTRAINT "PushFailure_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "Workspace"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PushFailure" ADD CONSTRAINT "PushFailure_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PushFailure" ADD CONSTRAINT "PushFailure_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

