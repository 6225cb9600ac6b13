import { Alert, Button, Code } from "@mantine/core";
import { Component, type ReactNode } from "react";

/** A render error shows what broke and a way back, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <Alert
        color="red"
        title="Something broke while showing this page"
        data-testid="error-boundary"
      >
        <Code block>{this.state.error.message}</Code>
        <Button mt="sm" onClick={() => this.setState({ error: null })}>
          Try again
        </Button>
      </Alert>
    );
  }
}
