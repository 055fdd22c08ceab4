/**
 * The one keypress router. The App owns the only useInput (besides ink-text-input's own) and hands every key to
 * the router; views never read keys themselves, they register commands.
 *
 * Contract (other views build on it; keep it stable):
 *
 *   useCommands(scope, commands, { active })
 *     registers a view's commands (Command & { run }) while `active` is true. `commands` may be a new array on
 *     every render: the latest closures are always the ones run. A key runs the first matching command of the
 *     active registrations, the most recently activated first and the 'global' scope last, so an overlay that
 *     becomes active over a view wins, and a view's 'q' (back) wins over the global 'q' (quit).
 *
 *   useTextInputFocus(focused)
 *     while any view reports a focused text input, printable keys belong to that ink-text-input: the router runs
 *     only commands marked `inInput: true`, commands bound to 'escape' (bind it to "leave the input"), and
 *     Ctrl-C (quit). Everything else is left to the input.
 *
 * The registry also feeds the help overlay (?/F1) and the status-line hints: see useRegistry().
 */
import { createContext, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { GLOBAL_SCOPE, matchCommand, type Command } from './keymap.js';

export type RunnableCommand = Command & { run: () => void };

interface Registration {
  scope: string;
  commands: RunnableCommand[];
  active: boolean;
  /** When it last became active: newer registrations are tried first. */
  stamp: number;
}

/** The registry behind useCommands; one per App. Exported for tests and for the App itself. */
export class CommandRouter {
  private registrations = new Map<symbol, Registration>();
  private focused = new Set<symbol>();
  private listeners = new Set<() => void>();
  private clock = 0;
  private version = 0;

  update(id: symbol, scope: string, commands: RunnableCommand[], active: boolean): void {
    const old = this.registrations.get(id);
    const becameActive = active && !(old?.active ?? false);
    const stamp = becameActive ? ++this.clock : (old?.stamp ?? 0);
    this.registrations.set(id, { scope, commands, active, stamp });
    if (!old || old.active !== active || old.scope !== scope || signature(old.commands) !== signature(commands)) {
      this.changed();
    }
  }

  remove(id: symbol): void {
    const had = this.registrations.delete(id);
    const hadFocus = this.focused.delete(id);
    if (had || hadFocus) this.changed();
  }

  setFocus(id: symbol, focused: boolean): void {
    const had = this.focused.has(id);
    if (focused === had) return;
    if (focused) this.focused.add(id);
    else this.focused.delete(id);
    this.changed();
  }

  get inputFocused(): boolean {
    return this.focused.size > 0;
  }

  /** Active commands in the order keys are matched: newest registration first, the global scope last. */
  active(): RunnableCommand[] {
    const regs = [...this.registrations.values()].filter((r) => r.active);
    regs.sort((a, b) => {
      const ga = a.scope === GLOBAL_SCOPE ? 1 : 0;
      const gb = b.scope === GLOBAL_SCOPE ? 1 : 0;
      return ga - gb || b.stamp - a.stamp;
    });
    return regs.flatMap((r) => r.commands);
  }

  /** Active scopes, innermost first. */
  activeScopes(): string[] {
    const scopes: string[] = [];
    for (const c of this.active()) if (!scopes.includes(c.scope)) scopes.push(c.scope);
    return scopes;
  }

  /** Runs the command bound to a key name; true when one ran. */
  dispatch(name: string): boolean {
    const command = matchCommand(this.active(), name, this.inputFocused);
    if (!command) return false;
    command.run();
    return true;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Bumped on every change of what is registered (not on new closures): for re-rendering help and hints. */
  get revision(): number {
    return this.version;
  }

  private changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

function signature(commands: readonly Command[]): string {
  return commands.map((c) => `${c.id}\u0001${c.keys.join(',')}\u0001${c.description}\u0001${c.hint ? 1 : 0}${c.inInput ? 1 : 0}`).join('\u0002');
}

const RouterContext = createContext<CommandRouter | null>(null);

export function CommandRouterProvider({ router, children }: { router: CommandRouter; children: ReactNode }) {
  return <RouterContext.Provider value={router}>{children}</RouterContext.Provider>;
}

function useRouter(): CommandRouter {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useCommands must be used inside the App (CommandRouterProvider)');
  return router;
}

/** Registers a view's commands while `options.active` is true. */
export function useCommands(scope: string, commands: RunnableCommand[], options: { active: boolean }): void {
  const router = useRouter();
  const id = useMemo(() => Symbol(scope), []); // eslint-disable-line react-hooks/exhaustive-deps
  const latest = useRef(commands);
  latest.current = commands;
  // Each command runs the closure of the latest render, whatever array was registered.
  const stable = commands.map((c) => ({ ...c, run: () => (latest.current.find((x) => x.id === c.id) ?? c).run() }));
  useLayoutEffect(() => {
    router.update(id, scope, stable, options.active);
  });
  useEffect(() => () => router.remove(id), [router, id]);
}

/** Reports whether this view's text input has the focus (see the header comment). */
export function useTextInputFocus(focused: boolean): void {
  const router = useRouter();
  const id = useMemo(() => Symbol('text-input'), []);
  useLayoutEffect(() => {
    router.setFocus(id, focused);
  }, [router, id, focused]);
  useEffect(() => () => router.remove(id), [router, id]);
}

/** For the App: re-renders on registry changes; gives the active commands, scopes and input focus. */
export function useRegistry(): { commands: RunnableCommand[]; scopes: string[]; inputFocused: boolean } {
  const router = useRouter();
  const [, setRevision] = useState(router.revision);
  useEffect(() => {
    const unsubscribe = router.subscribe(() => setRevision(router.revision));
    setRevision(router.revision);
    return () => {
      unsubscribe();
    };
  }, [router]);
  return { commands: router.active(), scopes: router.activeScopes(), inputFocused: router.inputFocused };
}
