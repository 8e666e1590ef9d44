import { type FormEvent, useState } from "react";
import { Empty, Loaded, PageHeader, Section, TableHead, Time, useResource } from "../components.js";
import { Link, navigate, useLocation } from "../router.js";
import type { Customer } from "../types.js";

export function CustomersPage() {
  const { query } = useLocation();
  const search = query.get("query") ?? "";
  const [input, setInput] = useState(search);
  const list = useResource<{ items: Customer[] }>(`/v1/customers?${new URLSearchParams({ query: search })}`);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const value = input.trim();
    navigate(`/customers${value ? `?${new URLSearchParams({ query: value })}` : ""}`, { replace: true });
  };
  const openById = () => {
    const value = input.trim();
    if (value) navigate(`/customers/${encodeURIComponent(value)}`);
  };
  return (
    <>
      <PageHeader
        title="Customers"
        description="Search by your user id, email or name. Open a customer for entitlements, balances, usage, payments and ledger."
      />
      <search>
        <form className="toolbar" onSubmit={onSubmit} aria-label="Customer search">
          <label>
            Search customers
            <input
              type="search"
              name="query"
              value={input}
              placeholder="user id, email or name"
              onChange={(event) => setInput(event.target.value)}
            />
          </label>
          <button type="submit" className="button button-secondary">
            Search
          </button>
          <button
            type="button"
            className="button button-secondary"
            onClick={openById}
            disabled={!input.trim()}
          >
            Open by exact id
          </button>
        </form>
      </search>
      <Section title={search ? `Results for “${search}”` : "Newest customers"} id="customer-results">
        <Loaded resource={list} label="customers">
          {(data) =>
            data.items.length === 0 ? (
              <Empty title={search ? "No customer matches" : "No customers yet"}>
                {search
                  ? "Try part of the id or email. Customers who only received credits by API have no record: open them by exact id."
                  : "Customers appear when your app calls POST /v1/customers or starts their first checkout."}
              </Empty>
            ) : (
              <table>
                <TableHead columns={["Customer", "Email", "Provider", "Since"]} />
                <tbody>
                  {data.items.map((customer) => (
                    <tr key={customer.id}>
                      <td>
                        <Link to={`/customers/${encodeURIComponent(customer.id)}`}>
                          {customer.name ?? customer.id}
                        </Link>
                        {customer.name ? <div className="muted small">{customer.id}</div> : null}
                      </td>
                      <td>{customer.email ?? "—"}</td>
                      <td>
                        {customer.provider}
                        <div className="muted small">{customer.providerCustomerId ?? "not linked yet"}</div>
                      </td>
                      <td>
                        <Time iso={customer.createdAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </Section>
    </>
  );
}
