import Link from "next/link";

const SYSTEMS = ["Stripe", "QuickBooks Online", "Xero", "HubSpot"];

const POINTS = [
  { title: "One timeline", body: "Every invoice with its state in each system side by side, and a mark where they disagree." },
  { title: "Changes flow by themselves", body: "Webhooks in near real time, polling as the safety net, writes that are safe to retry." },
  { title: "People decide the rest", body: "What rules cannot settle lands in a conflict inbox; every decision is in the audit trail." },
];

export default function LandingPage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-5xl flex-col px-6 py-16">
      <header className="flex items-center justify-between">
        <span className="text-lg font-semibold tracking-tight">Concord</span>
        <nav aria-label="Account" className="flex gap-2">
          <Link href="/sign-in" className="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-white">
            Sign in
          </Link>
          <Link href="/sign-up" className="rounded-md px-3 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50">
            Create an account
          </Link>
        </nav>
      </header>

      <section className="mt-20 max-w-3xl" aria-labelledby="headline">
        <h1 id="headline" className="text-4xl font-semibold tracking-tight sm:text-5xl">
          Your invoices, in agreement everywhere.
        </h1>
        <p className="mt-6 text-lg text-slate-600">
          An invoice paid in Stripe stays unpaid in QuickBooks; reminders go to customers who paid. Concord links the
          records that describe the same invoice across {SYSTEMS.join(", ")}, keeps them in step from your source of
          truth, and asks you only when it cannot decide.
        </p>
        <div className="mt-8 flex gap-3">
          <Link href="/w/demo/invoices" className="rounded-md bg-brand-600 px-4 py-2.5 text-sm font-semibold text-white shadow-sm hover:bg-brand-700">
            Open the demo workspace
          </Link>
          <a href="/api/health" className="rounded-md px-4 py-2.5 text-sm font-semibold text-slate-700 ring-1 ring-slate-300 hover:bg-white">
            Service health
          </a>
        </div>
      </section>

      <section className="mt-20 grid gap-6 sm:grid-cols-3" aria-label="What Concord does">
        {POINTS.map((point) => (
          <article key={point.title} className="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200">
            <h2 className="font-semibold">{point.title}</h2>
            <p className="mt-2 text-sm text-slate-600">{point.body}</p>
          </article>
        ))}
      </section>
    </main>
  );
}
