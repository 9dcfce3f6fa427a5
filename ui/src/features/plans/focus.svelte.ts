// Where the Plans screen opens: which tab, and which item to bring into view (the dashboard's
// overlap and omission panels open it at the right place).
import { go } from "../nav/route.svelte";

export type PlansTab = "items" | "overlaps" | "omissions";

export const planFocus: { tab: PlansTab; item: string | null } = $state({ tab: "items", item: null });

export function openPlans(tab: PlansTab, item: string | null = null): void {
  planFocus.tab = tab;
  planFocus.item = item;
  go("plans");
}
